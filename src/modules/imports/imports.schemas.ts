import Type, { type Static } from 'typebox'
import { Page, PaginationQuery } from '../../http/pagination.js'
import { PROBLEM_CONTENT_TYPE } from '../../http/problem.schema.js'

export const DATASETS = ['units', 'certifications', 'meetings', 'reeducation'] as const

export const ImportParams = Type.Object({
  dataset: Type.Enum([...DATASETS], { description: 'What the file holds.' }),
})

export const ImportQuery = Type.Object(
  {
    dryRun: Type.Boolean({
      default: false,
      description: 'Check every row and report what a real run would do; write nothing.',
    }),
    async: Type.Boolean({
      default: false,
      description:
        'Store the file and answer 202 at once; follow `Location` (`GET /v1/imports/{id}`) until `succeeded` or `failed`.',
    }),
  },
  { additionalProperties: false },
)

const Counts = Type.Object({
  rows: Type.Integer({ description: 'Data rows read (the CSV header is not one).' }),
  created: Type.Integer(),
  updated: Type.Integer({ description: 'Rows that replaced a different stored record.' }),
  unchanged: Type.Integer({ description: 'Rows equal to the stored record.' }),
  rejected: Type.Integer({ description: 'Rows with at least one error.' }),
})

export const ImportRowErrorSchema = Type.Object({
  row: Type.Integer({ description: '1-based over data rows (CSV: line 2 is row 1).' }),
  pointer: Type.String({ description: 'The column, as a JSON Pointer (`/unitCode`).' }),
  code: Type.String(),
  detail: Type.String(),
})

const importFields = {
  id: Type.String({ format: 'uuid' }),
  dataset: Type.Enum([...DATASETS]),
  dryRun: Type.Boolean(),
  counts: Type.Unsafe<Static<typeof Counts> | null>({
    ...Counts,
    type: ['object', 'null'],
    description: 'Null while the import runs, and when the file could not be read.',
  }),
  errors: Type.Array(ImportRowErrorSchema, { description: 'At most 1,000, in row order.' }),
  errorsTruncated: Type.Boolean({ description: 'More rows had errors than are listed.' }),
}

export const ImportSchema = Type.Object(
  {
    ...importFields,
    status: Type.Enum(['queued', 'running', 'succeeded', 'failed']),
    failure: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      description: 'Why a failed import failed, when not because of its rows.',
    }),
    mediaType: Type.String(),
    bodySha256: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      description: 'SHA-256 of the body, hex.',
    }),
    progress: Type.Object({ rowsRead: Type.Integer(), bytesRead: Type.Integer() }),
    actor: Type.Object({
      keyId: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'uuid' }),
      name: Type.String(),
    }),
    createdAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date-time' }),
  },
  { title: 'Import' },
)
export type Import = Static<typeof ImportSchema>

/** The 422 of a refused file: a problem document carrying the import's fields. */
export const ImportRejectedSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer({ description: 'The HTTP status (RFC 9457); the import is `failed`.' }),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String(),
    ...importFields,
  },
  { title: 'ImportRejected' },
)

export const importRejectedResponse = {
  422: {
    description: 'At least one row breaks a rule: nothing was written; every error is listed.',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: ImportRejectedSchema } },
  },
}

export const ImportIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const ImportListQuery = Type.Object(
  { ...PaginationQuery, dataset: Type.Optional(Type.Enum([...DATASETS])) },
  { additionalProperties: false },
)

export const ImportPage = Page(ImportSchema, 'ImportPage')

export const ExportQuery = Type.Object(
  {
    under: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Only records of this unit and the units below it (id, or code as of `asOf`).',
      }),
    ),
    asOf: Type.Optional(
      Type.String({
        format: 'date',
        description: 'Date an `under` code resolves at (default today).',
      }),
    ),
    year: Type.Optional(
      Type.Integer({
        minimum: 1990,
        maximum: 2100,
        description: 'certifications: the assessment year; reeducation: periods of the year.',
      }),
    ),
    from: Type.Optional(
      Type.String({ format: 'date', description: 'meetings: held on or after.' }),
    ),
    to: Type.Optional(Type.String({ format: 'date', description: 'meetings: held on or before.' })),
    period: Type.Optional(
      Type.String({
        pattern: '^[0-9]{4}(S[12]|Q[1-4]|0[1-9]|1[0-2])?$',
        description: 'reeducation: one period (`2018`, `2018S1`, `2018Q3`, `201810`).',
      }),
    ),
    format: Type.Optional(
      Type.Enum(['csv', 'ndjson', 'json'], {
        description: 'Overrides the Accept header; CSV (with BOM, for Excel) by default.',
      }),
    ),
  },
  { additionalProperties: false },
)
