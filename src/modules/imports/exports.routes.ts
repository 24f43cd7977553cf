import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { requireRole } from '../../http/caller.js'
import { today } from '../../http/dates.js'
import { badRequest } from '../../http/errors.js'
import { problemResponses } from '../../http/problem.schema.js'
import type { UnitsService } from '../units/index.js'
import type { DatasetImporter, ExportFilter, ExportKey } from '../../records/index.js'
import { EXPORT_FORMATS, exportFormatOf, exportStream } from './exports.formats.js'
import { ExportQuery, ImportParams } from './imports.schemas.js'
import type { ImportsService } from './imports.service.js'

/** Rows read from the database at a time while the export streams. */
export const EXPORT_PAGE_ROWS = 5000

export const exportsRoutes: FastifyPluginAsyncTypebox<{
  service: ImportsService
  importers: DatasetImporter[]
  units: UnitsService
}> = async (app, { service, importers, units }) => {
  const byDataset = new Map(importers.map((importer) => [importer.dataset as string, importer]))

  app.get('/:dataset', {
    onRequest: requireRole('viewer'),
    schema: {
      operationId: 'exportRecords',
      tags: ['imports'],
      summary: 'Export a dataset in the columns its import reads (CSV, NDJSON or JSON), streamed',
      description:
        'Only what the key may see. Importing the file back reports every row `unchanged`. Filters: `under` for all; `year` for certifications and reeducation; `from`/`to` for meetings; `period` for reeducation. Read page by page while it streams (each page consistent in itself).',
      params: ImportParams,
      querystring: ExportQuery,
      response: {
        200: {
          description: 'The rows, in the dataset’s import columns.',
          content: {
            'text/csv': { schema: { type: 'string' } },
            'application/x-ndjson': { schema: { type: 'string' } },
            'application/json': {
              schema: Type.Array(Type.Union(importers.map((i) => i.rowSchema))),
            },
          },
        },
        ...problemResponses(400, 403, 404),
      },
    },
    handler: async (request, reply) => {
      const importer = byDataset.get(request.params.dataset)!
      const { under, asOf, format, ...filters } = request.query
      const unknown = Object.keys(filters).filter(
        (name) => !importer.exportFilters.includes(name as keyof ExportFilter),
      )
      if (unknown.length > 0)
        throw badRequest(
          'INVALID_FILTER',
          `An export of ${importer.dataset} takes ${['under', ...importer.exportFilters].join(', ')}.`,
          unknown.map((name) => ({
            pointer: name,
            code: 'INVALID_FILTER',
            detail: 'does not apply to this dataset',
          })),
        )
      const underPaths: string[] = []
      const scopePath = await units.scopePathOf(request.caller)
      if (scopePath !== null) underPaths.push(scopePath)
      if (under) underPaths.push((await units.resolve(under, asOf ?? today(), request.caller)).path)
      const filter: ExportFilter = { underPaths, ...filters }

      async function* pages() {
        let after: ExportKey | null = null
        do {
          const page = await service.exportPage(importer, filter, after, EXPORT_PAGE_ROWS)
          yield page.rows
          after = page.last
        } while (after !== null)
      }
      const chosen = exportFormatOf(format, request.headers.accept)
      const extension = chosen === 'ndjson' ? 'ndjson' : chosen
      return reply
        .type(EXPORT_FORMATS[chosen])
        .header('content-disposition', `attachment; filename="${importer.dataset}.${extension}"`)
        .send(exportStream(chosen, Object.keys(importer.rowSchema.properties), pages()) as never)
    },
  })
}
