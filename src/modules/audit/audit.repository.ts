import type { Kysely } from 'kysely'
import type { AuditAction, DB } from '../../db/schema.js'

import type { Actor } from '../../http/caller.js'

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
