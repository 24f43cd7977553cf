import Type, { type Static } from 'typebox'
import { MAX_LIMIT } from '../../http/pagination.js'
import { AUDIT_ENTITIES, type AuditEntity } from '../audit/index.js'

/**
 * What the feed carries: every audited record but the service's own settings (API keys, webhook
 * subscriptions). The feed's view and index (migration 20261203T090000) list the same entities.
 */
const NOT_IN_FEED = ['api-key', 'webhook'] as const
export const FEED_ENTITIES = AUDIT_ENTITIES.filter(
  (e): e is Exclude<AuditEntity, (typeof NOT_IN_FEED)[number]> =>
    !(NOT_IN_FEED as readonly string[]).includes(e),
)
export type FeedEntity = (typeof FEED_ENTITIES)[number]

/** The audit action of a write, in the past tense of an event name (`meeting.created`). */
export const FEED_ACTIONS = [
  'created',
  'updated',
  'deleted',
  'applied',
  'withdrawn',
  'submitted',
  'accepted',
  'returned',
  'reopened',
] as const

export const MAX_WAIT_SECONDS = 30

export const ChangeSchema = Type.Object(
  {
    cursor: Type.String({
      description: 'The position of this change; `after` this cursor comes the next one.',
    }),
    entity: Type.Enum([...FEED_ENTITIES]),
    entityId: Type.String(),
    action: Type.Enum([...FEED_ACTIONS]),
    unit: Type.Unsafe<{ id: string; code: string | null } | null>({
      type: ['object', 'null'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        code: { type: ['string', 'null'] },
      },
      required: ['id', 'code'],
      additionalProperties: false,
      description:
        'The unit the record belongs to (a unit itself, a certified unit, a host, a campaign scope); null for national changes (reorganisations, reference loads).',
    }),
    occurredAt: Type.String({ format: 'date-time' }),
    data: Type.Unknown({
      description:
        'The record after the change, as its own endpoint shows it; null for a deletion.',
    }),
  },
  { title: 'Change' },
)
export type Change = Static<typeof ChangeSchema>

export const ChangePage = Type.Object(
  {
    items: Type.Array(ChangeSchema),
    nextCursor: Type.String({
      description:
        'Pass as `after` for what comes next; given even when `items` is empty (the feed may have moved past changes you did not ask for).',
    }),
  },
  { title: 'ChangePage' },
)

export const ChangeListQuery = Type.Object({
  after: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'A `cursor` or `nextCursor` from this feed; `now` starts after every change visible now. Absent: the oldest change kept.',
    }),
  ),
  entity: Type.Optional(
    Type.Array(Type.Enum([...FEED_ENTITIES]), {
      description: 'Only these kinds of record (repeat the parameter for several).',
    }),
  ),
  under: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Only changes about this unit (id or code as of today) or units below it.',
    }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 100 }),
  wait: Type.Integer({
    minimum: 0,
    maximum: MAX_WAIT_SECONDS,
    default: 0,
    description:
      'Seconds to wait for a change when none is new (long polling); answered as soon as one commits.',
  }),
})
