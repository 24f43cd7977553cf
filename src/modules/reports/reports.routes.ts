import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import { badRequest } from '../../http/errors.js'
import { problemResponses } from '../../http/problem.schema.js'
import type { ReportsService } from './reports.service.js'
import { breakdownCsv, summaryCsv } from './reports.csv.js'
import { BreakdownSchema, SummaryQuery, SummarySchema } from './reports.schemas.js'

const CSV = 'text/csv; charset=utf-8'
export const PDF = 'application/pdf'

/** The representation asked for by `?format=` or an Accept header that prefers it to JSON. */
export function representationOf(
  request: FastifyRequest,
  format: string | undefined,
): 'json' | 'csv' | 'pdf' {
  if (format) return format as 'json' | 'csv' | 'pdf'
  const accept = request.headers.accept ?? ''
  if (accept.includes('application/json')) return 'json'
  if (accept.includes(PDF)) return 'pdf'
  if (accept.includes('text/csv')) return 'csv'
  return 'json'
}

/** The OpenAPI content of a printable document. */
export const PDF_CONTENT = {
  [PDF]: {
    schema: Type.String({
      format: 'binary',
      description: 'A printable Vietnamese document (A4): the figures in sentences and a table.',
    }),
  },
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
        'Figures of the unit’s subtree as it stood in the year (`hierarchy=year`) or rolled up into today’s units through lineage (`hierarchy=current`). `groupBy=child` gives one item per child unit, with the legal floor of each commune. `Accept: text/csv` (or `format=csv`) answers CSV for Excel; `Accept: application/pdf` (or `format=pdf`) a printable Vietnamese document of the summary.',
      querystring: SummaryQuery,
      response: {
        200: {
          description: 'The report (a summary, or with groupBy=child a breakdown).',
          content: {
            'application/json': { schema: Type.Union([SummarySchema, BreakdownSchema]) },
            'text/csv': {
              schema: Type.String({ description: 'UTF-8 with BOM, one row per unit.' }),
            },
            ...PDF_CONTENT,
          },
        },
        ...problemResponses(403, 404),
      },
    },
    handler: async (request, reply) => {
      const q = request.query
      const input = { ref: q.unit, year: q.year, hierarchy: q.hierarchy, asOf: q.asOf }
      const representation = representationOf(request, q.format)
      const csv = representation === 'csv'
      if (representation === 'pdf') {
        if (q.groupBy === 'child')
          throw badRequest(
            'UNSUPPORTED_FORMAT',
            'A document (PDF) is made of a summary: leave out groupBy=child, or ask for JSON or CSV.',
            [{ pointer: 'format', code: 'UNSUPPORTED_FORMAT', detail: 'pdf is for a summary' }],
          )
        const summary = await reports.summary(input, request.caller)
        return reply.type(PDF).send((await reports.document(summary)) as never)
      }
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
