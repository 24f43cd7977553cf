import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import { problemResponses } from '../../http/problem.schema.js'
import type { ReportsService } from './reports.service.js'
import { breakdownCsv, summaryCsv } from './reports.csv.js'
import { BreakdownSchema, SummaryQuery, SummarySchema } from './reports.schemas.js'

const CSV = 'text/csv; charset=utf-8'

/** CSV when asked for by `?format=csv` or an Accept header that prefers text/csv to JSON. */
function wantsCsv(request: FastifyRequest, format: string | undefined): boolean {
  if (format) return format === 'csv'
  const accept = request.headers.accept ?? ''
  return accept.includes('text/csv') && !accept.includes('application/json')
}

export const reportsRoutes: FastifyPluginAsyncTypebox<{ reports: ReportsService }> = async (
  app,
  { reports },
) => {
  app.get('/summary', {
    schema: {
      operationId: 'getReportSummary',
      tags: ['reports'],
      summary: 'A unit’s yearly report: certifications, meetings, re-education, targets',
      description:
        'Figures of the unit’s subtree as it stood in the year (`hierarchy=year`) or rolled up into today’s units through lineage (`hierarchy=current`). `groupBy=child` gives one item per child unit, with the legal floor of each commune. `Accept: text/csv` (or `format=csv`) answers CSV for Excel.',
      querystring: SummaryQuery,
      response: {
        200: {
          description: 'The report (a summary, or with groupBy=child a breakdown).',
          content: {
            'application/json': { schema: Type.Union([SummarySchema, BreakdownSchema]) },
            'text/csv': {
              schema: Type.String({ description: 'UTF-8 with BOM, one row per unit.' }),
            },
          },
        },
        ...problemResponses(403, 404),
      },
    },
    handler: async (request, reply) => {
      const q = request.query
      const input = { ref: q.unit, year: q.year, hierarchy: q.hierarchy, asOf: q.asOf }
      const csv = wantsCsv(request, q.format)
      if (q.groupBy === 'child') {
        const breakdown = await reports.breakdown(input, request.caller)
        if (csv) return reply.type(CSV).send(breakdownCsv(breakdown))
        return breakdown
      }
      const summary = await reports.summary(input, request.caller)
      if (csv) return reply.type(CSV).send(summaryCsv(summary))
      return summary
    },
  })
}
