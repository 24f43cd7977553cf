import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { today } from '../../http/dates.js'
import { listRoute } from '../../http/list-route.js'
import { decodeCursor, invalidCursor } from '../../http/pagination.js'
import { requireRole } from '../../http/caller.js'
import type { UnitsService } from '../units/index.js'
import type { AuditService } from './audit.repository.js'
import { AuditEventListQuery, AuditEventPage } from './audit.schemas.js'

/** The event id a cursor holds, or 400. */
function eventIdOf(cursor: string): [number] {
  const id = decodeCursor(cursor, 1)[0]
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return [id]
  throw invalidCursor()
}

type AuditEventRow = Awaited<ReturnType<AuditService['list']>>[number]

/** An event as the API shows it. */
function toAuditEvent(row: AuditEventRow) {
  return {
    id: Number(row.id),
    occurredAt: row.occurred_at.toISOString(),
    actor: { keyId: row.actor_key_id, name: row.actor_name },
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    unitId: row.unit_id,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.request_id,
    importId: row.import_id,
  }
}

export const auditRoutes: FastifyPluginAsyncTypebox<{
  audit: AuditService
  units: UnitsService
}> = async (app, { audit, units }) => {
  listRoute(app, '', {
    onRequest: requireRole('admin'),
    operationId: 'listAuditEvents',
    description:
      'Admin only. Every write of the service, with the actor, the request id, the import it came from (if any) and the record before and after. Filter by entity, record, action, unit subtree or time.',
    tags: ['audit'],
    summary: 'Who changed what, with the record before and after, oldest first',
    querystring: AuditEventListQuery,
    page: AuditEventPage,
    errors: [403, 404],
    resolve: ({ query: q, caller }) =>
      q.unit ? units.resolve(q.unit, q.asOf ?? today(), caller) : Promise.resolve(undefined),
    cursor: eventIdOf,
    keyOf: (row): [number] => [Number(row.id)],
    rows: async ({ query: q, caller }, after, unit) => {
      const scopePath = await units.scopePathOf(caller)
      return audit.list({
        limit: q.limit,
        underPaths: [unit?.path, scopePath].filter((p): p is string => !!p),
        entity: q.entity,
        entityId: q.entityId,
        action: q.action,
        since: q.since,
        until: q.until,
        afterId: after?.[0],
      })
    },
    toItem: toAuditEvent,
  })
}
