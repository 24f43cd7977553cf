// Reading an import's body as it arrives: CSV (what Excel writes: BOM or not, CRLF or LF, RFC 4180
// quoting), a JSON array or NDJSON, one record at a time, never the whole file in memory. The
// body is metered on the way in: its size is bounded and its SHA-256 recorded for the audit.
import { createHash } from 'node:crypto'
import { type Readable, Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parse as parseCsv } from 'csv-parse'
import { parser as jsonlParser } from 'stream-json/jsonl/parser.js'
import { streamArray } from 'stream-json/streamers/stream-array.js'
import type { TObject, TSchema } from 'typebox'
import { HttpProblem, badRequest } from '../../http/errors.js'
import { MAX_JSON_DEPTH, jsonDepth } from '../../http/json-body.js'
import type { ImportRecord } from '../../records/index.js'

export const IMPORT_MEDIA_TYPES = {
  'text/csv': 'csv',
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
} as const
export type ImportMediaType = keyof typeof IMPORT_MEDIA_TYPES
export type ImportFormat = (typeof IMPORT_MEDIA_TYPES)[ImportMediaType]

/** Counts and hashes the bytes that pass; refuses the body past `limit` (413). */
export class BodyMeter extends Transform {
  bytes = 0
  private readonly hash = createHash('sha256')
  constructor(private readonly limit: number) {
    super()
  }
  override _transform(chunk: Buffer, _encoding: string, done: TransformCallback) {
    if (this.bytes === 0 && chunk.length >= 2 && isUtf16Bom(chunk)) {
      done(notUtf8('The file is UTF-16 (what Excel calls “Unicode Text”).'))
      return
    }
    this.bytes += chunk.length
    if (this.bytes > this.limit) {
      done(
        new HttpProblem(
          413,
          'BODY_TOO_LARGE',
          'Payload too large',
          `The file is larger than the import limit of ${this.limit} bytes (IMPORT_BODY_LIMIT_BYTES).`,
        ),
      )
      return
    }
    this.hash.update(chunk)
    done(null, chunk)
  }
  private digest: string | undefined
  /** The SHA-256 of what passed, hex (once the body has ended). */
  sha256 = () => (this.digest ??= this.hash.digest('hex'))
}

const isUtf16Bom = (chunk: Buffer) =>
  (chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)

/** 415 for a file that is not UTF-8: it would read as garbled Vietnamese, or not at all. */
export const notUtf8 = (why: string) =>
  new HttpProblem(
    415,
    'UNSUPPORTED_ENCODING',
    'Unsupported media type',
    `${why} Send it as UTF-8: in Excel, “Save as” → “CSV UTF-8 (Comma delimited)”.`,
  )

const malformed = (format: ImportFormat, error: unknown) =>
  error instanceof HttpProblem
    ? error
    : badRequest(
        'MALFORMED_FILE',
        `The ${format === 'csv' ? 'CSV' : format === 'json' ? 'JSON' : 'NDJSON'} file cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      )

/** What a CSV cell becomes for a column of `schema`: empty is absent; numbers and JSON parsed. */
function cellReader(schema: TSchema): (cell: string) => unknown {
  const types = ([] as unknown[]).concat((schema as { type?: unknown }).type ?? [])
  if (types.includes('integer') || types.includes('number'))
    return (cell) => (/^-?\d+(\.\d+)?$/.test(cell.trim()) ? Number(cell.trim()) : cell)
  if (types.includes('object') || types.includes('array'))
    return (cell) => {
      try {
        return JSON.parse(cell) as unknown
      } catch {
        return cell
      }
    }
  return (cell) => cell
}

/** The header's columns, or 400 naming the ones the dataset does not have. */
function checkHeader(header: string[], rowSchema: TObject): string[] {
  const known = Object.keys(rowSchema.properties)
  const unknown = header.filter((column) => !known.includes(column))
  const repeated = header.filter((column, i) => header.indexOf(column) !== i)
  if (unknown.length > 0 || repeated.length > 0 || header.length === 0) {
    throw badRequest(
      'INVALID_HEADER',
      `The CSV header must name columns among: ${known.join(', ')}.`,
      [
        ...unknown.map((c) => ({
          pointer: `/${c}`,
          code: 'UNKNOWN_COLUMN',
          detail: 'is not a column of this dataset',
        })),
        ...repeated.map((c) => ({
          pointer: `/${c}`,
          code: 'REPEATED_COLUMN',
          detail: 'appears twice',
        })),
      ],
    )
  }
  return header
}

/**
 * The records of `body`, read as `format`, in file order. A file that cannot be read (bad
 * quoting, not JSON, a header naming unknown columns) ends the iteration with a 400.
 */
export async function* readRecords(
  body: Readable,
  format: ImportFormat,
  rowSchema: TObject,
  meter: BodyMeter,
): AsyncGenerator<ImportRecord<unknown>> {
  const readers = Object.fromEntries(
    Object.entries(rowSchema.properties).map(([column, schema]) => [column, cellReader(schema)]),
  )
  const reader =
    format === 'csv'
      ? parseCsv({
          bom: true,
          columns: (header: string[]) =>
            checkHeader(
              header.map((c) => c.trim()),
              rowSchema,
            ),
          skip_empty_lines: true,
        })
      : format === 'json'
        ? streamArray.withParserAsStream()
        : jsonlParser.asStream()
  const flowing = pipeline(body, meter, reader).catch((error: unknown) => {
    reader.destroy(error instanceof Error ? error : new Error(String(error)))
  })
  let row = 0
  try {
    for await (const item of reader as AsyncIterable<unknown>) {
      row += 1
      if (format === 'csv') {
        const value: Record<string, unknown> = {}
        for (const [column, cell] of Object.entries(item as Record<string, string>)) {
          if (cell !== '') value[column] = readers[column]!(cell)
        }
        yield { row, value }
      } else {
        const value = (item as { value: unknown }).value
        if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
          throw badRequest(
            'JSON_TOO_DEEP',
            `Row ${row} nests deeper than ${MAX_JSON_DEPTH} levels.`,
          )
        yield { row, value }
      }
    }
  } catch (error) {
    throw malformed(format, error)
  } finally {
    await flowing
  }
}
