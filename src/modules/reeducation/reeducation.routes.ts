import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { today } from '../../http/dates.js'
import { listRoute } from '../../http/list-route.js'
import { putResourceRoutes } from '../../http/put-resource-routes.js'
import { requireRole } from '../../http/caller.js'
import type { UnitsService } from '../units/index.js'
import { toReeducation } from './reeducation.record.js'
import {
  PutReeducationBody,
  ReeducationAsOfQuery,
  ReeducationListQuery,
  ReeducationPage,
  ReeducationParams,
  ReeducationSchema,
} from './reeducation.schemas.js'
import { type ReeducationService, periodOf } from './reeducation.service.js'

const tags = ['reeducation']
const path = '/units/:ref/reeducation/:period'

export const reeducationRoutes: FastifyPluginAsyncTypebox<{
  service: ReeducationService
  units: UnitsService
}> = async (app, { service, units }) => {
  putResourceRoutes(app, path, {
    tags,
    params: ReeducationParams,
    querystring: ReeducationAsOfQuery,
    resource: ReeducationSchema,
    writers: requireRole('editor'),
    put: {
      operationId: 'putReeducationCount',
      summary: 'Record a commune-level unit’s re-education counts for a period',
      description:
        'Counts only, never people. A code in the path resolves as of the period’s last day (or `asOf`). Replacing needs If-Match (428 without) unless nothing changes; `If-None-Match: *` creates only. Figures that do not add up come back as `warnings`, not errors.',
      body: PutReeducationBody,
      apply: async ({ params: { ref, period }, query, body, preconditions }, asking) => {
        const { created, record } = await service.put(
          { ref, period, asOf: query.asOf, body, preconditions },
          asking,
        )
        const location = `/v1/units/${record.unit.id}/reeducation/${period}`
        return { created, resource: record, location }
      },
    },
    get: {
      operationId: 'getReeducationCount',
      description:
        'The counts of one commune-level unit for a period, with warnings where figures do not add up. A code in the path resolves as of the period’s last day.',
      summary: 'Show a unit’s re-education counts for a period',
      find: ({ params: { ref, period }, query, caller }) =>
        service.get(ref, period, query.asOf, caller),
    },
    delete: {
      operationId: 'deleteReeducationCount',
      description: 'For counts recorded by mistake; needs If-Match. The audit keeps them.',
      summary: 'Delete a unit’s re-education counts for a period (audited)',
      done: 'Deleted',
      apply: ({ params: { ref, period }, query: { asOf }, ifMatch }, asking) =>
        service.remove({ ref, period, asOf, ifMatch }, asking),
    },
  })

  listRoute(app, '/reeducation', {
    operationId: 'listReeducationCounts',
    description:
      'Re-education counts in the key’s scope with their warnings, by period, with cursor pagination.',
    tags,
    summary: 'List re-education counts by subtree, unit, period, year or period type',
    querystring: ReeducationListQuery,
    page: ReeducationPage,
    errors: [403, 404],
    resolve: async ({ query: q, caller }) => {
      const period = q.period ? periodOf(q.period) : undefined
      const asOf = q.asOf ?? period?.endsOn ?? (q.year !== undefined ? `${q.year}-12-31` : today())
      return { period, recordUnits: await units.recordUnitsOf(q, asOf, caller) }
    },
    cursor: 4,
    keyOf: (row): [string, string, string, string] => [
      row.starts_on,
      row.unit_code,
      row.period,
      row.id,
    ],
    rows: ({ query: q }, after, { period, recordUnits }) =>
      service.list({
        limit: q.limit,
        ...recordUnits,
        ...(after ? { after } : {}),
        ...(period ? { period: period.period } : {}),
        ...(q.year !== undefined ? { year: q.year } : {}),
        ...(q.periodType ? { periodType: q.periodType } : {}),
      }),
    toItem: toReeducation,
  })
}
