// The webhook work of one process. Every process runs one; PostgreSQL decides who does what:
// - fan-out: each enabled subscription, locked with `skip locked` (one process at a time), reads
//   the change feed after its cursor and turns the changes it wants into deliveries, moving its
//   cursor in the same transaction (so a change becomes one delivery, whoever fans out);
// - delivery: due deliveries are claimed with `skip locked` and leased; an attempt's outcome is
//   written only by the process whose lease it is. A process dying mid-attempt leaves the
//   delivery to whoever claims it after the lease: the receiver may then get it twice (at least
//   once), with the same `webhook-id`.
// Rounds start at every commit that wrote changes (NOTIFY), every `pollMs`, and on `poke`. With no
// enabled subscription at all (as the last poll found) a commit starts none: a write then costs
// the database nothing here; a subscription another process creates is seen at the next poll.
import type { FastifyBaseLogger } from 'fastify'
import { Counter, Histogram, type Registry } from 'prom-client'
import type { Kysely } from 'kysely'
import { coalescingLoop } from '../../background/coalescing-loop.js'
import type { DB } from '../../db/schema.js'
import {
  type ChangeSignal,
  compare,
  FEED_ENTITIES,
  type Position,
  readChanges,
  toChange,
} from '../changes/index.js'
import type { WebhookRow, WebhooksRepository } from './webhooks.repository.js'
import type { DeliveryPayload } from './webhooks.schemas.js'
import { attemptDelivery } from './webhooks.sender.js'

const FAN_OUT_BATCH = 500
const DELIVERY_BATCH = 50
const MAX_RETRY_WAIT_MS = 3_600_000

export interface WebhookWorkerOptions {
  /** Prometheus registry for the delivery metrics, if any. */
  metrics?: Registry | undefined
  pollMs: number
  timeoutMs: number
  retryHours: number
  retryBaseMs: number
  allowedHosts: readonly string[]
}

/** Exponential backoff with jitter: half the doubled wait, plus up to as much again at random. */
export function retryWaitMs(attempts: number, baseMs: number, random = Math.random): number {
  const wait = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_WAIT_MS)
  return Math.round(wait / 2 + (random() * wait) / 2)
}

interface Event {
  entity: string
  action: string
}

export const eventTypeOf = (change: Event) => `${change.entity}.${change.action}`

export function wants(events: readonly string[], change: Event) {
  return events.some((e) => e === '*' || e === `${change.entity}.*` || e === eventTypeOf(change))
}

/** The entities a subscription's events name, or undefined when it wants every one. */
function entitiesOf(events: readonly string[]): string[] | undefined {
  if (events.includes('*')) return undefined
  const entities = new Set(events.map((e) => e.slice(0, e.indexOf('.'))))
  return FEED_ENTITIES.filter((e) => entities.has(e))
}

type DueDelivery = Awaited<ReturnType<WebhooksRepository['claimDue']>>[number]

export interface WebhookWorker {
  poke(): void
  stop(): Promise<void>
}

export function startWebhookWorker(
  db: Kysely<DB>,
  repository: WebhooksRepository,
  signal: ChangeSignal,
  options: WebhookWorkerOptions,
  log: FastifyBaseLogger,
): WebhookWorker {
  let stopped = false
  const registers = options.metrics ? [options.metrics] : []
  const attempts = new Counter({
    name: 'antq_webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts by outcome (succeeded, failed: the receiver refused, did not answer, or redirected elsewhere).',
    labelNames: ['outcome'],
    registers,
  })
  const attemptSeconds = new Histogram({
    name: 'antq_webhook_delivery_attempt_seconds',
    help: 'How long webhook receivers took to answer.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  })

  async function fanOutOne(hook: WebhookRow, tx: Kysely<DB>): Promise<boolean> {
    const cursor: Position = { txid: hook.cursor_txid, id: Number(hook.cursor_id) }
    const read = await readChanges(tx, {
      after: cursor,
      limit: FAN_OUT_BATCH,
      entities: entitiesOf(hook.events),
      scopePath: hook.scope_path,
    })
    if (read.expired)
      log.warn({ webhookId: hook.id }, 'webhook fell behind the feed retention; changes were lost')
    const wanted = read.rows.filter((row) => wants(hook.events, row))
    await repository.insertDeliveries(
      wanted.map((row) => {
        const change = toChange(row)
        const type = eventTypeOf(change)
        const payload: DeliveryPayload = { type, timestamp: change.occurredAt, data: change }
        return {
          webhook_id: hook.id,
          change_id: row.id,
          event_type: type,
          payload: JSON.stringify(payload),
        }
      }),
      tx,
    )
    if (compare(read.next, cursor) !== 0)
      await repository.moveCursor(hook.id, read.next.txid, read.next.id, tx)
    return read.rows.length === FAN_OUT_BATCH || read.more
  }

  /** One fan-out transaction over the subscriptions no other process holds; true: more to do. */
  const fanOut = () =>
    db.transaction().execute(async (tx) => {
      let more = false
      for (const hook of await repository.claimForFanOut(tx)) {
        if (await fanOutOne(hook, tx)) more = true
      }
      return more
    })

  // Deliveries under way, each finishing on its own: a receiver that takes its whole timeout to
  // answer (or never does) holds back no other delivery. At most DELIVERY_BATCH at a time.
  const inFlight = new Set<Promise<void>>()
  // Outcomes are written by one writer, so that deliveries hold one connection of the pool between
  // them (requests need the others): the successes that finished meanwhile in one statement, then
  // each failure. A batch not written (the database unreachable) is attempted again once its
  // lease runs out: deliveries are at least once.
  const succeeded: { id: string; attempts: number; status: number }[] = []
  const failed: {
    delivery: DueDelivery
    outcome: Parameters<typeof repository.finishFailed>[1]
  }[] = []
  let writing: Promise<void> | undefined
  const writeOutcomes = (): Promise<void> =>
    (writing ??= (async () => {
      try {
        while (succeeded.length > 0 || failed.length > 0) {
          const done = succeeded.splice(0)
          const refused = failed.splice(0)
          await repository.finishSucceeded(done)
          for (const { delivery, outcome } of refused)
            await repository.finishFailed(delivery, outcome)
        }
      } catch (error) {
        log.error({ err: error }, 'webhook outcomes not written')
      } finally {
        writing = undefined
      }
    })())

  async function deliverOne(delivery: DueDelivery): Promise<void> {
    const timer = attemptSeconds.startTimer()
    const result = await attemptDelivery(
      {
        id: delivery.id,
        url: delivery.url,
        secrets: delivery.secrets,
        body: JSON.stringify(delivery.payload),
      },
      options,
    )
    timer()
    attempts.inc({ outcome: result.ok ? 'succeeded' : 'failed' })
    log.debug(
      { deliveryId: delivery.id, attempt: delivery.attempts, ...result },
      'webhook delivery attempted',
    )
    if (result.ok)
      succeeded.push({ id: delivery.id, attempts: delivery.attempts, status: result.status })
    else
      failed.push({
        delivery,
        outcome: {
          ...result,
          retryInMs: retryWaitMs(delivery.attempts, options.retryBaseMs),
          retryHours: options.retryHours,
        },
      })
    await writeOutcomes()
  }

  /**
   * Claims as many due deliveries as there is room for and starts them. Each one finishing pokes
   * for the next: more may be due than there was room for.
   */
  async function deliverDue(): Promise<void> {
    const room = DELIVERY_BATCH - inFlight.size
    if (room <= 0) return
    const due = await repository.claimDue(room, options.timeoutMs + 30_000)
    for (const delivery of due) {
      const attempt: Promise<void> = deliverOne(delivery)
        .catch((error: unknown) => log.error({ err: error }, 'webhook delivery failed'))
        .finally(() => {
          inFlight.delete(attempt)
          deliveries.poke() // room for the next due one
        })
      inFlight.add(attempt)
    }
  }

  const loop = (round: () => Promise<void>) =>
    coalescingLoop(
      round,
      (error) => log.error({ err: error }, 'webhook round failed'),
      () => stopped,
    )

  // Fan-out and delivery run side by side: slow receivers do not hold back new changes.
  const deliveries = loop(deliverDue)
  const fanOuts = loop(async () => {
    while (!stopped && (await fanOut())) deliveries.poke()
    deliveries.poke()
  })
  const poke = () => {
    fanOuts.poke()
    deliveries.poke()
  }
  // Whether any subscription is enabled, as the last poll found (true until the first says no).
  let subscribed = true
  const poll = () => {
    repository.anyEnabled().then(
      (any) => {
        subscribed = any
        if (any) poke()
      },
      (error: unknown) => log.error({ err: error }, 'webhook poll failed'),
    )
  }

  const enabled = options.pollMs > 0
  const timer = enabled ? setInterval(poll, options.pollMs) : undefined
  timer?.unref()
  const unsubscribe = enabled
    ? signal.subscribe(() => {
        if (subscribed) fanOuts.poke()
      })
    : () => undefined
  if (enabled) poll()

  return {
    // A subscription created, resumed or retried in this process: work at once.
    poke: () => {
      subscribed = true
      if (enabled) poke()
    },
    stop: async () => {
      stopped = true
      unsubscribe()
      clearInterval(timer)
      await fanOuts.idle()
      await deliveries.idle()
      await Promise.all(inFlight)
      await writing
    },
  }
}
