// Subscriptions as admins manage them. A subscription belongs to the scope of the key that
// created it: a scoped admin sees, changes and receives only what lies in its subtree.
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { type Asking, type Caller } from '../../http/caller.js'
import { type ConditionalChange, type ConditionalRemoval, lockMatching } from '../../http/etag.js'
import { conflict, notFound, unprocessable } from '../../http/errors.js'
import { recordAudit, removeMatching } from '../../records/index.js'
import { toScopeUnit, type UnitsService } from '../units/index.js'
import type { DeliveryRow, WebhookRow, WebhooksRepository } from './webhooks.repository.js'
import type {
  CreateWebhook,
  Delivery,
  DeliveryPayload,
  PatchWebhook,
  Webhook,
} from './webhooks.schemas.js'
import { targetProblem } from './webhooks.targets.js'

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

export const toWebhook = (row: WebhookRow): Webhook => ({
  id: row.id,
  url: row.url,
  events: row.events,
  description: row.description,
  scopeUnit: toScopeUnit(row),
  enabled: row.enabled,
  disabledReason: row.disabled_reason,
  previousSecretExpiresAt:
    row.previous_secret_expires_at !== null &&
    new Date(row.previous_secret_expires_at).getTime() > Date.now()
      ? iso(row.previous_secret_expires_at)
      : null,
  failingSince: iso(row.failing_since),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
})

export const toDelivery = (row: DeliveryRow): Delivery => ({
  id: row.id,
  webhookId: row.webhook_id,
  eventType: row.event_type,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: iso(row.next_attempt_at),
  lastAttemptAt: iso(row.last_attempt_at),
  lastResponseStatus: row.last_response_status,
  lastError: row.last_error,
  createdAt: row.created_at.toISOString(),
  deliveredAt: iso(row.delivered_at),
  payload: row.payload as DeliveryPayload,
})

/** How long the previous secret keeps signing after a rotation. */
export const SECRET_GRACE_HOURS = 24

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes, base64. */
export const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`

export function createWebhooksService(
  db: Kysely<DB>,
  repository: WebhooksRepository,
  units: UnitsService,
  allowedHosts: readonly string[],
) {
  function assertTarget(url: string | undefined) {
    if (url === undefined) return
    const problem = targetProblem(url, allowedHosts)
    if (problem)
      throw unprocessable('WEBHOOK_URL_NOT_ALLOWED', `The webhook URL ${problem}.`, [
        { pointer: '/url', code: 'WEBHOOK_URL_NOT_ALLOWED', detail: problem },
      ])
  }

  // A subscription without a scope (made by an unscoped key) is seen by unscoped keys only.
  const inScope = (row: WebhookRow, scopePath: string | null) =>
    scopePath === null ||
    (row.scope_path !== null && units.inScope({ path: row.scope_path }, scopePath))

  /** The subscription, or 404 when there is none the caller may see. */
  async function find(id: string, caller: Caller | null, tx: Kysely<DB> = db) {
    const row = await repository.find(id, tx)
    if (!row || !inScope(row, await units.scopePathOf(caller, tx)))
      throw notFound(`No webhook ${id}.`, 'WEBHOOK_NOT_FOUND')
    return row
  }

  async function create(body: CreateWebhook, { caller, actor }: Asking) {
    assertTarget(body.url)
    const secret = newSecret()
    const webhook = await db.transaction().execute(async (tx) => {
      const id = await repository.insert(
        {
          url: body.url,
          events: [...new Set(body.events)],
          description: body.description ?? null,
          secret,
          created_by: caller?.keyId ?? null,
          scope_unit_id: caller?.scopeUnitId ?? null,
        },
        tx,
      )
      const shown = toWebhook((await repository.find(id, tx))!)
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'webhook',
        entityId: id,
        unitId: caller?.scopeUnitId ?? null,
        after: shown,
      })
      return shown
    })
    return { ...webhook, secret }
  }

  /**
   * One change of a subscription: locked and matched against If-Match, written by `write`, read
   * back and audited with before and after.
   */
  function update(
    { found, ifMatch }: ConditionalRemoval<WebhookRow>,
    { actor }: Asking,
    write: (current: WebhookRow, tx: Kysely<DB>) => Promise<unknown>,
  ) {
    return db.transaction().execute(async (tx) => {
      const current = await lockMatching(repository.lock(found.id, tx), ifMatch, toWebhook)
      await write(current, tx)
      const webhook = toWebhook((await repository.find(current.id, tx))!)
      await recordAudit(tx, actor, {
        action: 'update',
        entity: 'webhook',
        entityId: current.id,
        unitId: current.scope_unit_id,
        before: toWebhook(current),
        after: webhook,
      })
      return webhook
    })
  }

  function patch(change: ConditionalChange<WebhookRow, PatchWebhook>, asking: Asking) {
    const { body } = change
    assertTarget(body.url)
    return update(change, asking, (current, tx) =>
      repository.update(
        current.id,
        {
          ...(body.url !== undefined ? { url: body.url } : {}),
          ...(body.events !== undefined ? { events: [...new Set(body.events)] } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.enabled === true
            ? { enabled: true, disabled_reason: null, failing_since: null }
            : {}),
          ...(body.enabled === false && current.enabled
            ? { enabled: false, disabled_reason: `Disabled by ${asking.actor.name}.` }
            : {}),
        },
        tx,
      ),
    )
  }

  /** A new signing secret; the current one signs too for SECRET_GRACE_HOURS. */
  async function rotateSecret(change: ConditionalRemoval<WebhookRow>, asking: Asking) {
    const secret = newSecret()
    const webhook = await update(change, asking, (current, tx) =>
      repository.rotateSecret(current.id, secret, SECRET_GRACE_HOURS, tx),
    )
    return { ...webhook, secret }
  }

  const remove = (removal: ConditionalRemoval<WebhookRow>, asking: Asking) =>
    removeMatching(
      db,
      {
        entity: 'webhook',
        lock: repository.lock,
        delete: repository.delete,
        show: toWebhook,
        unitOf: (row) => row.scope_unit_id,
      },
      removal,
      asking,
    )

  async function list(p: { limit: number; after?: string | undefined; caller: Caller | null }) {
    return repository.list({
      limit: p.limit,
      after: p.after,
      scopePath: await units.scopePathOf(p.caller),
    })
  }

  /** The subscription's delivery, or 404. */
  async function delivery(webhook: WebhookRow, deliveryId: string) {
    const found = await repository.findDelivery(webhook.id, deliveryId)
    if (!found) throw notFound(`No delivery ${deliveryId} for this webhook.`, 'DELIVERY_NOT_FOUND')
    return found
  }

  async function retry(webhook: WebhookRow, deliveryId: string) {
    if (!webhook.enabled)
      throw conflict(
        'WEBHOOK_DISABLED',
        `Webhook ${webhook.id} is disabled (${webhook.disabled_reason ?? 'no reason given'}); enable it first.`,
      )
    await delivery(webhook, deliveryId)
    const row = await repository.retry(deliveryId)
    if (!row)
      throw conflict(
        'DELIVERY_IN_PROGRESS',
        `Delivery ${deliveryId} is being attempted right now; look again in a moment.`,
      )
    return toDelivery(row)
  }

  return {
    find,
    create,
    patch,
    rotateSecret,
    remove,
    list,
    delivery,
    retry,
    listDeliveries: repository.listDeliveries,
  }
}

export type WebhooksService = ReturnType<typeof createWebhooksService>
