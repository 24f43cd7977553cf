// The audit's writes, shared by every module that writes: one event a write, in the writing
// transaction, so both commit or neither.
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { AuditAction, DB } from '../db/schema.js'
import type { Actor } from '../http/caller.js'
import type { ImportContext } from './dataset.js'

export interface AuditEntry {
  action: AuditAction
  entity: string
  entityId: string
  unitId?: string | null
  before?: unknown
  after?: unknown
}

/** Records one write. Pass the transaction that made the write, so both commit or neither. */
export async function recordAudit(db: Kysely<DB>, actor: Actor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      actor_key_id: actor.keyId,
      actor_name: actor.name,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId,
      unit_id: entry.unitId ?? null,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      request_id: actor.requestId,
    })
    .execute()
}

/**
 * SQL: the audit row of a record created by the same statement (a data-modifying CTE), for
 * writes done in one round trip. `after` is the record as the API shows it, written in SQL.
 */
export function auditCreation(a: {
  actor: Actor
  entity: string
  entityId: RawBuilder<unknown>
  unitId: RawBuilder<unknown>
  after: RawBuilder<unknown>
  from: RawBuilder<unknown>
}): RawBuilder<unknown> {
  return sql`insert into audit_events
      (actor_key_id, actor_name, action, entity, entity_id, unit_id, after, request_id)
    select ${a.actor.keyId}::uuid, ${a.actor.name}, 'create', ${a.entity}, ${a.entityId}::text,
      ${a.unitId}, ${a.after}::jsonb, ${a.actor.requestId}
    from ${a.from}`
}

/**
 * Records many writes in one statement (a bulk import's batch, the units a reorganisation closed
 * and created), each pointing to the import it came from, if any. Pass the writing transaction.
 */
export async function recordAuditBatch(
  db: Kysely<DB>,
  actor: Actor,
  entries: AuditEntry[],
  importId: string | null = null,
): Promise<void> {
  if (entries.length === 0) return
  // One JSON document for the whole batch, read once by the server: an array parameter of JSON
  // texts would be escaped, then parsed as an array and again as JSON, per element.
  const rows = JSON.stringify(
    entries.map((e) => ({
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId,
      unit_id: e.unitId ?? null,
      before: e.before ?? null,
      after: e.after ?? null,
    })),
  )
  await sql`insert into audit_events
      (actor_key_id, actor_name, action, entity, entity_id, unit_id, before, after, request_id,
       import_id)
    select ${actor.keyId}::uuid, ${actor.name}, e.action, e.entity, e.entity_id, e.unit_id,
      e.before, e.after, ${actor.requestId}, ${importId}::uuid
    from json_to_recordset(${rows}::json)
      as e(action text, entity text, entity_id text, unit_id uuid, before jsonb, after jsonb)`.execute(
    db,
  )
}

/** The audit of a batch's written records (before, as stored; after, as the API shows it). */
export async function auditImported(
  { tx, actor, importId }: ImportContext,
  entity: string,
  records: { id: string; unitId: string; before: unknown; after: unknown; created: boolean }[],
) {
  await recordAuditBatch(
    tx,
    actor,
    records.map((r) => ({
      action: r.created ? 'create' : 'update',
      entity,
      entityId: r.id,
      unitId: r.unitId,
      before: r.before,
      after: r.after,
    })),
    importId,
  )
}
