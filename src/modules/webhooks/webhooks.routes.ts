import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { askingOf, requireRole } from '../../http/caller.js'
import { etagOf } from '../../http/etag.js'
import { IdempotencyHeaders } from '../../http/idempotency.js'
import { listRoute } from '../../http/list-route.js'
import { decodeCursor, invalidCursor } from '../../http/pagination.js'
import { IfMatchHeaders } from '../../http/precondition-schemas.js'
import { resourceRoutes } from '../../http/resource-routes.js'
import { removalAsked } from '../../http/route-kit.js'
import { problemResponses } from '../../http/problem.schema.js'
import {
  CreatedWebhookSchema,
  CreateWebhookBody,
  DeliveryListQuery,
  DeliveryPage,
  DeliveryParams,
  DeliverySchema,
  PatchWebhookBody,
  WebhookListQuery,
  WebhookPage,
  WebhookParams,
  type Webhook,
  WebhookSchema,
} from './webhooks.schemas.js'
import {
  SECRET_GRACE_HOURS,
  toDelivery,
  toWebhook,
  type WebhooksService,
} from './webhooks.service.js'

const tags = ['webhooks']

/**
 * A subscription with its secret (shown once), tagged with the ETag of what GET shows (without
 * it), so that the answer's ETag works as If-Match for the next change.
 */
function sendWithSecret(reply: FastifyReply, webhook: Webhook & { secret: string }) {
  const shown: Partial<typeof webhook> = { ...webhook }
  delete shown.secret
  return reply.header('etag', etagOf(shown)).send(webhook)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The (createdAt, id) of the last delivery of the previous page, or 400. */
function deliveryCursor(cursor: string): [string, string] {
  const [createdAt, id] = decodeCursor(cursor, 2)
  if (
    typeof createdAt === 'string' &&
    !Number.isNaN(Date.parse(createdAt)) &&
    typeof id === 'string' &&
    UUID.test(id)
  )
    return [createdAt, id]
  throw invalidCursor()
}

export const webhooksRoutes: FastifyPluginAsyncTypebox<{
  webhooks: WebhooksService
  /** Called when deliveries became due here (a manual retry), to send them now. */
  onDue: () => void
}> = async (app, { webhooks, onDue }) => {
  app.addHook('onRequest', requireRole('admin'))

  app.post('', {
    // A creation sent again (a lost answer) with its Idempotency-Key gets the same subscription.
    config: { idempotent: true },
    schema: {
      operationId: 'createWebhook',
      description: [
        'Admin only. From now on, every change of the feed (`GET /v1/changes`) whose type is in `events` is POSTed to `url` as a `WebhookPayload`, signed as the Standard Webhooks specification says, at least once: retried with exponential backoff and jitter for `WEBHOOK_RETRY_HOURS` (24), then marked failed; a subscription whose deliveries all fail that long is disabled and says why.',
        'The answer holds the signing `secret`, shown this once. A subscription created by a scoped key receives only changes in its subtree (and national ones).',
      ].join('\n\n'),
      tags,
      summary: 'Subscribe a URL to changes (the signing secret is shown once)',
      headers: IdempotencyHeaders,
      body: CreateWebhookBody,
      response: { 201: CreatedWebhookSchema, ...problemResponses(403, 422) },
    },
    handler: async (request, reply) => {
      const webhook = await webhooks.create(request.body, askingOf(request))
      // This process now has a subscription to serve: commits wake its fan-out from now on.
      onDue()
      return sendWithSecret(
        reply.code(201).header('location', `/v1/webhooks/${webhook.id}`),
        webhook,
      )
    },
  })

  listRoute(app, '', {
    operationId: 'listWebhooks',
    description:
      'Admin only. The subscriptions inside the key’s scope (every one for an unscoped key), without their secrets.',
    tags,
    summary: 'List webhook subscriptions',
    querystring: WebhookListQuery,
    page: WebhookPage,
    errors: [403],
    cursor: 1,
    keyOf: (row): [string] => [row.id],
    rows: ({ query: q, caller }, after) =>
      webhooks.list({ limit: q.limit, after: after && String(after[0]), caller }),
    toItem: toWebhook,
  })

  resourceRoutes(app, '/:id', {
    tags,
    params: WebhookParams,
    resource: WebhookSchema,
    find: (request) => webhooks.find(request.params.id, request.caller),
    show: toWebhook,
    get: {
      operationId: 'getWebhook',
      description:
        'Admin only. The subscription, whether it is enabled and since when it fails, if it does.',
      summary: 'Show a webhook subscription',
    },
    patch: {
      operationId: 'updateWebhook',
      description:
        'Admin only. Change the URL, the events or the description; `enabled: false` pauses deliveries, `enabled: true` resumes them where they stopped (a subscription disabled for failing, too). If-Match is checked when sent.',
      summary: 'Change, pause or resume a webhook subscription',
      body: PatchWebhookBody,
      ifMatch: 'checked',
      apply: async (change, asking) => {
        const webhook = await webhooks.patch(change, asking)
        if (change.body.enabled === true) onDue()
        return webhook
      },
    },
    delete: {
      operationId: 'deleteWebhook',
      description:
        'Admin only. Stops the subscription and forgets its deliveries; the audit keeps it.',
      summary: 'Delete a webhook subscription',
      apply: webhooks.remove,
    },
  })

  app.post('/:id/rotate-secret', {
    schema: {
      operationId: 'rotateWebhookSecret',
      description: `Admin only. A new signing secret, shown in this answer only. For ${SECRET_GRACE_HOURS} hours the previous secret signs every delivery too (\`webhook-signature\` then carries both signatures, as the Standard Webhooks specification allows), so that receivers can switch without losing a delivery. If-Match is checked when sent.`,
      tags,
      summary: 'Rotate a webhook’s signing secret (the old one keeps signing for a day)',
      params: WebhookParams,
      headers: IfMatchHeaders,
      response: { 200: CreatedWebhookSchema, ...problemResponses(403, 404, 412) },
    },
    handler: async (request, reply) => {
      const found = await webhooks.find(request.params.id, request.caller)
      const webhook = await webhooks.rotateSecret(removalAsked(request, found), askingOf(request))
      return sendWithSecret(reply, webhook)
    },
  })

  listRoute(app, '/:id/deliveries', {
    operationId: 'listWebhookDeliveries',
    description:
      'Admin only. The subscription’s deliveries, newest first: status, attempts, the receiver’s last answer, the next attempt, and the payload. Finished deliveries are kept as long as the feed keeps changes.',
    tags,
    summary: 'List a webhook’s deliveries, newest first',
    params: WebhookParams,
    querystring: DeliveryListQuery,
    page: DeliveryPage,
    errors: [400, 403, 404],
    resolve: ({ params, caller }) => webhooks.find(params.id, caller),
    cursor: deliveryCursor,
    keyOf: (row): [string, string] => [row.created_at.toISOString(), row.id],
    rows: ({ query: q }, before, webhook) =>
      webhooks.listDeliveries({
        webhookId: webhook.id,
        limit: q.limit,
        status: q.status,
        before: before && { createdAt: before[0], id: before[1] },
      }),
    toItem: toDelivery,
  })

  app.get('/:id/deliveries/:deliveryId', {
    schema: {
      operationId: 'getWebhookDelivery',
      description:
        'Admin only. One delivery: its status, attempts, the receiver’s last answer, the next attempt, and the payload as sent.',
      tags,
      summary: 'Show one delivery of a webhook',
      params: DeliveryParams,
      response: { 200: DeliverySchema, ...problemResponses(403, 404) },
    },
    handler: async (request) => {
      const webhook = await webhooks.find(request.params.id, request.caller)
      return toDelivery(await webhooks.delivery(webhook, request.params.deliveryId))
    },
  })

  app.post('/:id/deliveries/:deliveryId/retry', {
    schema: {
      operationId: 'retryWebhookDelivery',
      description:
        'Admin only. Makes the delivery due now (a failed one gets one more attempt; a pending one stops waiting for its backoff). 409 while an attempt is under way or the subscription is disabled.',
      tags,
      summary: 'Attempt a delivery again now',
      params: DeliveryParams,
      response: { 202: DeliverySchema, ...problemResponses(403, 404, 409) },
    },
    handler: async (request, reply) => {
      const webhook = await webhooks.find(request.params.id, request.caller)
      const delivery = await webhooks.retry(webhook, request.params.deliveryId)
      onDue()
      return reply.code(202).send(delivery)
    },
  })
}
