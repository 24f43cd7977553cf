import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { today } from '../../http/dates.js'
import { preconditionsOf, sendTaggedUnlessMatched } from '../../http/etag.js'
import { listRoute } from '../../http/list-route.js'
import { putAnswer } from '../../http/replies.js'
import {
  noContentResponses,
  putResponses,
  readResponses,
  sendNoContent,
} from '../../http/route-kit.js'
import { IfMatchHeaders, PutPreconditionHeaders } from '../../http/precondition-schemas.js'
import { askingOf, requireRole } from '../../http/caller.js'
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
  app.put(path, {
    onRequest: requireRole('editor'),
    schema: {
      operationId: 'putReeducationCount',
      tags,
      summary: 'Record a commune-level unit’s re-education counts for a period',
      description:
        'Counts only, never people. A code in the path resolves as of the period’s last day (or `asOf`). Replacing needs If-Match (428 without) unless nothing changes; `If-None-Match: *` creates only. Figures that do not add up come back as `warnings`, not errors.',
      params: ReeducationParams,
      querystring: ReeducationAsOfQuery,
      headers: PutPreconditionHeaders,
      body: PutReeducationBody,
      response: putResponses(ReeducationSchema),
    },
    handler: async (request, reply) => {
      const { ref, period } = request.params
      const { created, record } = await service.put(
        {
          ref,
          period,
          asOf: request.query.asOf,
          body: request.body,
          preconditions: preconditionsOf(request),
        },
        askingOf(request),
      )
      const location = `/v1/units/${record.unit.id}/reeducation/${period}`
      return putAnswer(reply, created, location, record)
    },
  })

  app.get(path, {
    schema: {
      operationId: 'getReeducationCount',
      description:
        'The counts of one commune-level unit for a period, with warnings where figures do not add up. A code in the path resolves as of the period’s last day.',
      tags,
      summary: 'Show a unit’s re-education counts for a period',
      params: ReeducationParams,
      querystring: ReeducationAsOfQuery,
      response: readResponses(ReeducationSchema),
    },
    handler: async (request, reply) => {
      const { ref, period } = request.params
      const record = await service.get(ref, period, request.query.asOf, request.caller)
      return sendTaggedUnlessMatched(request, reply, record)
    },
  })

  app.delete(path, {
    onRequest: requireRole('editor'),
    schema: {
      operationId: 'deleteReeducationCount',
      description: 'For counts recorded by mistake; needs If-Match. The audit keeps them.',
      tags,
      summary: 'Delete a unit’s re-education counts for a period (audited)',
      params: ReeducationParams,
      querystring: ReeducationAsOfQuery,
      headers: IfMatchHeaders,
      response: noContentResponses('Deleted'),
    },
    handler: async (request, reply) => {
      const { ref, period } = request.params
      await service.remove(
        { ref, period, asOf: request.query.asOf, ifMatch: request.headers['if-match'] },
        askingOf(request),
      )
      return sendNoContent(reply)
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
