import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { today } from '../../http/dates.js'
import { decodeCursor, invalidCursor, toPage } from '../../http/pagination.js'
import { problemResponses } from '../../http/problem.schema.js'
import { requireRole } from '../../http/caller.js'
import type { UnitsService } from '../units/index.js'
import type { AuditService } from './audit.repository.js'
import { AuditEventListQuery, AuditEventPage } from './audit.schemas.js'

/** The event id a cursor holds, or 400. */
function eventIdOf(cursor: string): number {
  const id = decodeCursor(cursor, 1)[0]
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id
  throw invalidCursor()
}

export const auditRoutes: FastifyPluginAsyncTypebox<{
  audit: AuditService
  units: UnitsService
}> = async (app, { audit, units }) => {
  app.get('', {
    onRequest: requireRole('admin'),
    schema: {
      operationId: 'listAuditEvents',
      description:
        'Admin only. Every write of the service, with the actor, the request id, the import it came from (if any) and the record before and after. Filter by entity, record, action, unit subtree or time.',
      tags: ['audit'],
      summary: 'Who changed what, with the record before and after, oldest first',
      querystring: AuditEventListQuery,
      response: { 200: AuditEventPage, ...problemResponses(403, 404) },
    },
    handler: async (request) => {
      const q = request.query
      const unit = q.unit
        ? await units.resolve(q.unit, q.asOf ?? today(), request.caller)
        : undefined
      const scopePath = await units.scopePathOf(request.caller)
      const after = q.cursor ? eventIdOf(q.cursor) : undefined
      const rows = await audit.list({
        limit: q.limit,
        underPaths: [unit?.path, scopePath].filter((p): p is string => !!p),
        entity: q.entity,
        entityId: q.entityId,
        action: q.action,
        since: q.since,
        until: q.until,
        afterId: after,
      })
      return toPage(
        rows,
        q.limit,
        (row) => ({
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
        }),
        (row) => [Number(row.id)],
      )
    },
  })
}
