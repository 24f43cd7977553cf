import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdempotencyHeaders } from '../../http/idempotency.js'
import { problemResponses } from '../../http/problem.schema.js'
import { askingOf, requireRole } from '../../http/caller.js'
import { DryRunQuery, UnitChangeBody, UnitChangeResultSchema } from './unit-changes.schemas.js'
import type { UnitChangesService } from './unit-changes.service.js'

export const unitChangesRoutes: FastifyPluginAsyncTypebox<{ changes: UnitChangesService }> = async (
  app,
  { changes },
) => {
  app.post('', {
    onRequest: requireRole('admin'),
    config: { idempotent: true },
    schema: {
      headers: IdempotencyHeaders,
      operationId: 'applyUnitChange',
      description:
        'Admin only. One reorganisation as of an effective date: the units closed, created or changed, the lineage between them, and where records and child units go; `dryRun=true` shows what would happen. Audited as one change.',
      tags: ['units'],
      summary: 'Apply a reorganisation: merge, split, rename, reclassify or reparent (admin)',
      querystring: DryRunQuery,
      body: UnitChangeBody,
      response: {
        200: UnitChangeResultSchema,
        201: UnitChangeResultSchema,
        ...problemResponses(403, 404, 409, 422),
      },
    },
    handler: async (request, reply) => {
      const result = await changes.apply(
        { change: request.body, dryRun: request.query.dryRun },
        askingOf(request),
      )
      if (result.dryRun) return reply.code(200).send(result)
      return reply.code(201).send(result)
    },
  })
}
