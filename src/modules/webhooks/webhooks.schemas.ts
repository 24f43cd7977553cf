import Type, { type Static } from 'typebox'
import { Page, PaginationQuery } from '../../http/pagination.js'
import { ChangeSchema, FEED_ACTIONS, FEED_ENTITIES } from '../changes/index.js'
import { UnitSummarySchema } from '../units/index.js'

/** `meeting.created`, `meeting.*` (every action on meetings) or `*` (everything). */
export const EVENT_PATTERN = `^(\\*|(${FEED_ENTITIES.join('|')})\\.(\\*|${FEED_ACTIONS.join('|')}))$`

const EventsSchema = Type.Array(Type.String({ pattern: EVENT_PATTERN }), {
  minItems: 1,
  maxItems: 100,
  uniqueItems: true,
  description: `Event types to send: \`entity.action\` (entities: ${FEED_ENTITIES.join(', ')}; actions: ${FEED_ACTIONS.join(', ')}), \`entity.*\`, or \`*\`.`,
})

const UrlSchema = Type.String({
  format: 'uri',
  pattern: '^https?://',
  maxLength: 2000,
  description:
    'Where deliveries are POSTed (http or https; no user or password in it). `WEBHOOK_ALLOWED_HOSTS` may restrict the hosts.',
})

const DescriptionSchema = Type.String({ maxLength: 500 })

export const CreateWebhookBody = Type.Object(
  { url: UrlSchema, events: EventsSchema, description: Type.Optional(DescriptionSchema) },
  { additionalProperties: false },
)
export type CreateWebhook = Static<typeof CreateWebhookBody>

export const PatchWebhookBody = Type.Object(
  {
    url: Type.Optional(UrlSchema),
    events: Type.Optional(EventsSchema),
    description: Type.Optional(
      Type.Unsafe<string | null>({ ...DescriptionSchema, type: ['string', 'null'] }),
    ),
    enabled: Type.Optional(
      Type.Boolean({
        description:
          '`true` enables a subscription again (after it was disabled for failing, say): it resumes where it stopped, changes kept by the feed included.',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type PatchWebhook = Static<typeof PatchWebhookBody>

const nullable = <T extends object>(schema: T, description: string) =>
  Type.Unsafe<string | null>({ ...schema, type: ['string', 'null'], description })

export const WebhookSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    url: Type.String(),
    events: Type.Array(Type.String()),
    description: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
    scopeUnit: Type.Unsafe<Static<typeof UnitSummarySchema> | null>({
      ...UnitSummarySchema,
      type: ['object', 'null'],
      description:
        'The scope of the key that created the subscription: only changes in this subtree (and national ones) are sent. Null: everything.',
    }),
    enabled: Type.Boolean(),
    disabledReason: nullable(
      { type: 'string' },
      'Why the subscription was disabled (after failing for `WEBHOOK_RETRY_HOURS`, or by a PATCH).',
    ),
    previousSecretExpiresAt: nullable(
      { type: 'string', format: 'date-time' },
      'After a secret rotation: until when the previous secret signs deliveries too (a second signature in `webhook-signature`).',
    ),
    failingSince: nullable(
      { type: 'string', format: 'date-time' },
      'The first failed attempt since the last success; null while deliveries succeed.',
    ),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Webhook' },
)
export type Webhook = Static<typeof WebhookSchema>

export const CreatedWebhookSchema = Type.Object(
  {
    ...WebhookSchema.properties,
    secret: Type.String({
      description:
        'The signing secret (`whsec_…`, Standard Webhooks): shown in this response only. Verify each delivery with it.',
    }),
  },
  { title: 'CreatedWebhook' },
)

export const WebhookPage = Page(WebhookSchema, 'WebhookPage')
export const WebhookListQuery = Type.Object({ ...PaginationQuery })
export const WebhookParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
export const DeliveryParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  deliveryId: Type.String({ format: 'uuid' }),
})

export const DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed'] as const

/** The body of every delivery: the Standard Webhooks envelope around one change of the feed. */
export const DeliveryPayloadSchema = Type.Object(
  {
    type: Type.String({ description: 'The event type, `entity.action` (`meeting.created`).' }),
    timestamp: Type.String({ format: 'date-time', description: 'When the change happened.' }),
    data: ChangeSchema,
  },
  {
    title: 'WebhookPayload',
    description:
      'POSTed as JSON with the headers `webhook-id` (the delivery id: the same on every retry, so receivers can drop repeats), `webhook-timestamp` (seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the secret), as the Standard Webhooks specification says. Any 2xx answer acknowledges it.',
  },
)
export type DeliveryPayload = Static<typeof DeliveryPayloadSchema>

export const DeliverySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'Sent as `webhook-id`.' }),
    webhookId: Type.String({ format: 'uuid' }),
    eventType: Type.String(),
    status: Type.Enum([...DELIVERY_STATUSES], {
      description:
        '`pending` (waiting for its next attempt), `delivering` (an attempt is under way), `succeeded`, `failed` (retried for `WEBHOOK_RETRY_HOURS` without success).',
    }),
    attempts: Type.Integer({ minimum: 0 }),
    nextAttemptAt: nullable({ type: 'string', format: 'date-time' }, 'When it is tried next.'),
    lastAttemptAt: nullable({ type: 'string', format: 'date-time' }, 'The latest attempt.'),
    lastResponseStatus: Type.Unsafe<number | null>({
      type: ['integer', 'null'],
      description: 'The HTTP status the receiver answered last; null when it did not answer.',
    }),
    lastError: nullable({ type: 'string' }, 'Why the latest attempt failed.'),
    createdAt: Type.String({ format: 'date-time' }),
    deliveredAt: nullable({ type: 'string', format: 'date-time' }, 'When the receiver took it.'),
    payload: DeliveryPayloadSchema,
  },
  { title: 'WebhookDelivery' },
)
export type Delivery = Static<typeof DeliverySchema>

export const DeliveryPage = Page(DeliverySchema, 'WebhookDeliveryPage')
export const DeliveryListQuery = Type.Object({
  ...PaginationQuery,
  status: Type.Optional(Type.Enum([...DELIVERY_STATUSES])),
})
