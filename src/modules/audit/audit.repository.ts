import { type Kysely, sql } from 'kysely'
import type { AuditAction, DB } from '../../db/schema.js'

export interface AuditFilter {
  limit: number
  /** Events about units below every one of these paths (a unit's subtree, a key's scope). */
  underPaths: string[]
  entity?: string | undefined
  entityId?: string | undefined
  action?: AuditAction | undefined
  since?: string | undefined
  until?: string | undefined
  /** The id of the previous page's last event. */
  afterId?: number | undefined
}

/** Events oldest first, one more than `limit` (to tell whether a next page exists). */
export function listAuditEvents(db: Kysely<DB>, f: AuditFilter) {
  let query = db.selectFrom('audit_events as a').selectAll('a')
  if (f.underPaths.length > 0) {
    // Events about units in the subtree; a unit deleted since is no longer below anything.
    query = query.innerJoin('units as u', 'u.id', 'a.unit_id')
    for (const path of f.underPaths) query = query.where(sql<boolean>`u.path <@ ${path}::ltree`)
  }
  if (f.entity) query = query.where('a.entity', '=', f.entity)
  if (f.entityId) query = query.where('a.entity_id', '=', f.entityId)
  if (f.action) query = query.where('a.action', '=', f.action)
  if (f.since) query = query.where('a.occurred_at', '>=', new Date(f.since))
  if (f.until) query = query.where('a.occurred_at', '<', new Date(f.until))
  if (f.afterId !== undefined && Number.isSafeInteger(f.afterId))
    query = query.where('a.id', '>', String(f.afterId))
  return query
    .orderBy('a.id')
    .limit(f.limit + 1)
    .execute()
}

/** What the audit's routes read: events, filtered and paged. */
export const createAuditService = (db: Kysely<DB>) => ({
  list: (filter: AuditFilter) => listAuditEvents(db, filter),
})
export type AuditService = ReturnType<typeof createAuditService>
