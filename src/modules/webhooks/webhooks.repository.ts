// Webhook subscriptions and deliveries in the database. Background work is claimed here: a
// subscription's fan-out with `for update skip locked` (one process at a time per subscription),
// due deliveries likewise, each claim leased for a while so that a process that dies mid-attempt
// leaves the delivery to another once the lease runs out.
import { type Kysely, type Selectable, sql, type Updateable, type Transaction } from 'kysely'
import type { DB, UnitKind, WebhookDeliveriesTable, WebhooksTable } from '../../db/schema.js'
import { feedHorizon } from '../changes/index.js'

export type WebhookRow = Selectable<WebhooksTable> & {
  scope_code: string | null
  scope_name: string | null
  scope_kind: UnitKind | null
  scope_path: string | null
}
export type DeliveryRow = Selectable<WebhookDeliveriesTable>

export function createWebhooksRepository(db: Kysely<DB>) {
  const withScope = (tx: Kysely<DB>) =>
    tx
      .selectFrom('webhooks as w')
      .leftJoin('units as u', 'u.id', 'w.scope_unit_id')
      .selectAll('w')
      .select([
        'u.code as scope_code',
        'u.name as scope_name',
        'u.kind as scope_kind',
        'u.path as scope_path',
      ])

  return {
    find: (id: string, tx: Kysely<DB> = db) =>
      withScope(tx).where('w.id', '=', id).executeTakeFirst() as Promise<WebhookRow | undefined>,

    lock: (id: string, tx: Transaction<DB>) =>
      withScope(tx).where('w.id', '=', id).forUpdate('w').executeTakeFirst() as Promise<
        WebhookRow | undefined
      >,

    /** Subscriptions whose scope lies inside `scopePath` (all of them without one), by id. */
    list: (p: { limit: number; after?: string | undefined; scopePath: string | null }) => {
      let query = withScope(db)
      if (p.scopePath) query = query.where(sql<boolean>`u.path <@ ${p.scopePath}::ltree`)
      if (p.after) query = query.where('w.id', '>', p.after)
      return query
        .orderBy('w.id')
        .limit(p.limit + 1)
        .execute() as Promise<WebhookRow[]>
    },

    /** A new subscription starts after every change visible now (`after=now`). */
    insert: async (
      values: Pick<
        WebhooksTable,
        'url' | 'events' | 'description' | 'secret' | 'created_by' | 'scope_unit_id'
      >,
      tx: Kysely<DB>,
    ) => {
      const row = await tx
        .insertInto('webhooks')
        .values({
          ...values,
          cursor_txid: feedHorizon,
          cursor_id: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return row.id
    },

    update: (
      id: string,
      values: Pick<
        Updateable<WebhooksTable>,
        'url' | 'events' | 'description' | 'enabled' | 'disabled_reason' | 'failing_since'
      >,
      tx: Kysely<DB>,
    ) =>
      tx
        .updateTable('webhooks')
        .set({ ...values, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute(),

    /** A new secret; the current one keeps signing too for `graceHours`. */
    rotateSecret: (id: string, secret: string, graceHours: number, tx: Kysely<DB>) =>
      tx
        .updateTable('webhooks')
        .set({
          previous_secret: sql`secret`,
          previous_secret_expires_at: sql`now() + make_interval(secs => ${graceHours * 3600})`,
          secret,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .execute(),

    delete: (id: string, tx: Kysely<DB>) =>
      tx.deleteFrom('webhooks').where('id', '=', id).execute(),

    /** Enabled subscriptions no other process is fanning out now, locked for this transaction. */
    /** Whether any subscription is enabled (one index probe). */
    anyEnabled: async () =>
      (await db
        .selectFrom('webhooks')
        .select('id')
        .where('enabled', '=', true)
        .limit(1)
        .executeTakeFirst()) !== undefined,

    claimForFanOut: (tx: Transaction<DB>) =>
      withScope(tx)
        .where('w.enabled', '=', true)
        .orderBy('w.id')
        .forUpdate('w')
        .skipLocked()
        .execute() as Promise<WebhookRow[]>,

    moveCursor: (id: string, txid: string, changeId: number, tx: Kysely<DB>) =>
      tx
        .updateTable('webhooks')
        .set({ cursor_txid: txid, cursor_id: changeId })
        .where('id', '=', id)
        .execute(),

    insertDeliveries: async (
      rows: { webhook_id: string; change_id: number; event_type: string; payload: string }[],
      tx: Kysely<DB>,
    ) => {
      if (rows.length === 0) return
      await tx
        .insertInto('webhook_deliveries')
        .values(rows.map((r) => ({ ...r, next_attempt_at: sql<Date>`now()` })))
        .onConflict((oc) => oc.columns(['webhook_id', 'change_id']).doNothing())
        .execute()
    },

    /**
     * Takes up to `limit` due deliveries of enabled subscriptions: pending ones whose time came,
     * and attempts whose lease ran out (their process died). Each is leased for `leaseMs`.
     */
    claimDue: async (limit: number, leaseMs: number) => {
      const result = await sql<DeliveryRow & { url: string; secrets: string[] }>`
        update webhook_deliveries d
        set status = 'delivering', attempts = d.attempts + 1, last_attempt_at = now(),
          first_attempt_at = coalesce(d.first_attempt_at, now()),
          locked_until = now() + make_interval(secs => ${leaseMs / 1000})
        from webhooks w
        where d.id in (
            -- Only enabled subscriptions' deliveries: a disabled one's wait, and must not fill
            -- the batch in front of the others.
            select due.id from webhook_deliveries due
            join webhooks enabled on enabled.id = due.webhook_id and enabled.enabled
            where due.next_attempt_at <= now()
              and (due.status = 'pending'
                or (due.status = 'delivering' and due.locked_until < now()))
            order by due.next_attempt_at
            limit ${limit}
            for update of due skip locked)
          and w.id = d.webhook_id
        returning d.*, w.url, array_remove(array[w.secret,
          case when w.previous_secret_expires_at > now() then w.previous_secret end], null)
          as secrets`.execute(db)
      return result.rows
    },

    /**
     * The successful attempts of a batch, in one statement; an attempt another process took over
     * meanwhile (its lease ran out) is left to that process.
     */
    finishSucceeded: async (done: { id: string; attempts: number; status: number }[]) => {
      if (done.length === 0) return
      await sql`
        with done as (
          update webhook_deliveries d set status = 'succeeded', delivered_at = now(),
            last_response_status = o.status, last_error = null,
            next_attempt_at = null, locked_until = null
          from unnest(${done.map((o) => o.id)}::uuid[], ${done.map((o) => o.attempts)}::int[],
            ${done.map((o) => o.status)}::int[]) as o(id, attempts, status)
          where d.id = o.id and d.status = 'delivering' and d.attempts = o.attempts
          returning d.webhook_id)
        update webhooks w set failing_since = null
        where w.id in (select webhook_id from done) and w.failing_since is not null`.execute(db)
    },

    /** A failed attempt: retried later, or failed for good past the retry window. */
    finishFailed: async (
      d: Pick<DeliveryRow, 'id' | 'attempts'>,
      outcome: { status: number | null; error: string; retryInMs: number; retryHours: number },
    ) => {
      // Past the retry window the delivery fails for good. The subscription is disabled when no
      // delivery succeeded since this one's first attempt: it has failed for the whole window
      // (failing_since is the start of the first attempt that failed after the last success),
      // and it says why until someone enables it again.
      return sql<{ webhook_id: string }>`
        with attempt as (
          update webhook_deliveries set
            last_response_status = ${outcome.status}, last_error = ${outcome.error.slice(0, 500)},
            locked_until = null,
            status = case when created_at + make_interval(secs => ${outcome.retryHours * 3600})
              <= now() then 'failed' else 'pending' end,
            next_attempt_at = case when created_at + make_interval(secs => ${outcome.retryHours * 3600})
              <= now() then null else now() + make_interval(secs => ${outcome.retryInMs / 1000}) end
          where id = ${d.id} and status = 'delivering' and attempts = ${d.attempts}
          returning webhook_id, status, first_attempt_at, last_attempt_at)
        update webhooks w set
          failing_since = coalesce(w.failing_since, attempt.last_attempt_at),
          enabled = case when attempt.status = 'failed'
            and coalesce(w.failing_since, attempt.last_attempt_at) <= attempt.first_attempt_at
            then false else w.enabled end,
          disabled_reason = case when attempt.status = 'failed'
            and coalesce(w.failing_since, attempt.last_attempt_at) <= attempt.first_attempt_at
            then 'Disabled: every delivery failed for ' || ${String(outcome.retryHours)} || ' hours; last error: ' || ${outcome.error.slice(0, 300)}
            else w.disabled_reason end
        from attempt where w.id = attempt.webhook_id
        returning w.id as webhook_id`.execute(db)
    },

    findDelivery: (webhookId: string, deliveryId: string, tx: Kysely<DB> = db) =>
      tx
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('webhook_id', '=', webhookId)
        .where('id', '=', deliveryId)
        .executeTakeFirst(),

    /** Newest first. */
    listDeliveries: (p: {
      webhookId: string
      limit: number
      status?: string | undefined
      before?: { createdAt: string; id: string } | undefined
    }) => {
      let query = db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('webhook_id', '=', p.webhookId)
      if (p.status) query = query.where('status', '=', p.status as DeliveryRow['status'])
      if (p.before) {
        const before = p.before
        query = query.where(
          sql<boolean>`(created_at, id) < (${before.createdAt}::timestamptz, ${before.id}::uuid)`,
        )
      }
      return query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(p.limit + 1)
        .execute()
    },

    /** Due now again (a manual retry); false when it is being attempted right now. */
    retry: async (deliveryId: string) => {
      const row = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: sql`now()`, locked_until: null })
        .where('id', '=', deliveryId)
        .where('status', '!=', 'delivering')
        .returningAll()
        .executeTakeFirst()
      return row
    },

    /** Deletes finished deliveries older than the feed keeps its changes. */
    pruneDeliveries: async (retentionDays: number) =>
      Number(
        (
          await db
            .deleteFrom('webhook_deliveries')
            .where('status', 'in', ['succeeded', 'failed'])
            .where('created_at', '<', sql<Date>`now() - make_interval(days => ${retentionDays})`)
            .executeTakeFirst()
        ).numDeletedRows,
      ),
  }
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>
