import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Readable } from 'node:stream'
import Type from 'typebox'
import { askingOf, requireRole } from '../../http/caller.js'
import { sendProblem } from '../../http/error-handler.js'
import { notFound } from '../../http/errors.js'
import { decodeCursor, toPage } from '../../http/pagination.js'
import { problemResponses } from '../../http/problem.schema.js'
import type { DatasetImporter } from '../../records/index.js'
import { IMPORT_MEDIA_TYPES, type ImportMediaType, notUtf8 } from './imports.formats.js'
import { toImport } from './imports.mapper.js'
import {
  ImportIdParams,
  ImportListQuery,
  ImportPage,
  ImportParams,
  ImportQuery,
  ImportSchema,
  importRejectedResponse,
} from './imports.schemas.js'
import type { ImportsService } from './imports.service.js'

const tags = ['imports']

/** The request body an import takes, for the document only (the body is read as a stream). */
const importBodyDoc = (importers: DatasetImporter[]) => {
  const row = Type.Union(importers.map((i) => i.rowSchema))
  return {
    description: 'The rows of one dataset; CSV and NDJSON have one row per line.',
    content: {
      'text/csv': {
        schema: {
          type: 'string',
          description:
            'UTF-8 (with or without BOM), header row of column names, CRLF or LF, RFC 4180 quoting. Empty cells are absent values; JSON columns (attributes, byCategory, byOrganisation) hold JSON text.',
        },
      },
      'application/json': { schema: Type.Array(row) },
      'application/x-ndjson': { schema: { type: 'string', description: 'One JSON row per line.' } },
    },
  }
}

export const importsRoutes: FastifyPluginAsyncTypebox<{
  service: ImportsService
  importers: DatasetImporter[]
  bodyLimitBytes: number
  /** Told when a file was queued (`async=true`): the import worker looks for work at once. */
  onQueued: () => void
}> = async (app, { service, importers, bodyLimitBytes, onQueued }) => {
  // Import bodies reach the handler as streams, read as they arrive (never buffered whole).
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser(Object.keys(IMPORT_MEDIA_TYPES), (_request, payload, done) =>
    done(null, payload),
  )

  app.post('/:dataset', {
    onRequest: requireRole('editor'),
    schema: {
      operationId: 'importRecords',
      tags,
      summary: 'Import a whole file of one dataset (atomic; dry run available)',
      description:
        'Every row obeys the rules of the single-item endpoint it stands for; one invalid row and nothing is written (422 listing every error, at most 1,000). Sending the same file again changes nothing (`unchanged`); a row that differs from the stored record replaces it. Columns: units `code, name, kind, parentCode, validFrom, validTo, attributes`; certifications `unitCode, year, result, legalBasis, decisionNumber, decisionDate, issuedBy, movementRating, note`; meetings `externalId, unitCode, format, heldOn, attendees, formsDistributed, formsReturned, opinionsReceived, opinionsAnsweredOnSite, opinionsReferred, tipsReceived, note`; reeducation `unitCode, period, reEducated, reformed, underManagement, byCategory, byOrganisation, note`.',
      params: ImportParams,
      querystring: ImportQuery,
      'x-body': importBodyDoc(importers),
      response: {
        200: ImportSchema,
        202: { ...ImportSchema, description: 'Queued (`async=true`): see Location.' },
        ...importRejectedResponse,
        ...problemResponses(400, 403, 409, 413, 415),
      },
    } as never,
    handler: async (request, reply) => {
      const { dataset } = request.params as { dataset: string }
      const { dryRun, async } = request.query as { dryRun: boolean; async: boolean }
      const [type = '', ...parameters] = (request.headers['content-type'] ?? '').split(';')
      const mediaType = type.trim().toLowerCase()
      const charset = parameters
        .map((p) => p.trim().toLowerCase())
        .find((p) => p.startsWith('charset='))
        ?.slice('charset='.length)
        .replaceAll('"', '')
      if (charset && charset !== 'utf-8' && charset !== 'utf8')
        throw notUtf8(`The file is declared ${charset}.`)
      const outcome = await service.run(
        dataset,
        { body: request.body as Readable, mediaType: mediaType as ImportMediaType, dryRun, async },
        askingOf(request),
        bodyLimitBytes,
      )
      const shown = toImport(outcome.row)
      if (async) {
        onQueued()
        return reply.code(202).header('location', `/v1/imports/${shown.id}`).send(shown)
      }
      if (!outcome.rejected) return reply.send(shown)
      // The problem's `status` is the HTTP status (RFC 9457); the import's own is `failed`.
      const { id, dataset: name, dryRun: dry, counts, errors, errorsTruncated } = shown
      return sendProblem(
        reply,
        request,
        422,
        'IMPORT_REJECTED',
        `${shown.counts!.rejected} of ${shown.counts!.rows} rows break a rule; nothing was written.`,
        { id, dataset: name, dryRun: dry, counts, errors, errorsTruncated } as never,
      )
    },
  })

  app.get('/:id', {
    onRequest: requireRole('viewer'),
    schema: {
      operationId: 'getImport',
      description:
        'The import’s status (`queued`, `running`, `succeeded`, `failed`), progress, counts and first 1,000 row errors. Follow it after an `async=true` import.',
      tags,
      summary: 'Show an import: its status, counts and errors',
      params: ImportIdParams,
      response: { 200: ImportSchema, ...problemResponses(403, 404) },
    },
    handler: async (request) => {
      const row = await service.find(request.params.id)
      const caller = request.caller!
      // A key sees its own imports; an unscoped admin sees everyone's.
      const visible =
        row &&
        (row.actor_key_id === caller.keyId ||
          (caller.role === 'admin' && caller.scopeUnitId === null))
      if (!visible) throw notFound(`No import ${request.params.id}.`, 'IMPORT_NOT_FOUND')
      return toImport(row)
    },
  })

  app.get('/', {
    onRequest: requireRole('viewer'),
    schema: {
      operationId: 'listImports',
      description:
        'Bulk imports with their status and counts, newest first: a key sees its own, an unscoped admin everyone’s.',
      tags,
      summary: 'List imports, newest first (a key’s own; an unscoped admin’s: all)',
      querystring: ImportListQuery,
      response: { 200: ImportPage, ...problemResponses(400, 403) },
    },
    handler: async (request) => {
      const { limit, cursor, dataset } = request.query
      const caller = request.caller!
      const everyone = caller.role === 'admin' && caller.scopeUnitId === null
      const after = cursor ? (decodeCursor(cursor, 2) as [string, string]) : undefined
      const rows = await service.list({
        limit,
        dataset,
        after,
        ...(everyone ? {} : { keyId: caller.keyId }),
      })
      return toPage(rows, limit, toImport, (row) => [row.created_at.toISOString(), row.id])
    },
  })
}
