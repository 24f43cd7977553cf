// Writing an export as it is read: CSV for Excel (BOM, CRLF, RFC 4180 quoting, JSON text in JSON
// columns, empty cells for nulls), NDJSON or a JSON array; the same columns an import reads.
import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify/sync'

// Line breaks inside a cell are quoted too (csv-stringify quotes only the record delimiter, CRLF).
const CSV_OPTIONS = { record_delimiter: 'windows', quoted_match: /[\r\n]/ } as const

export const EXPORT_FORMATS = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
  json: 'application/json; charset=utf-8',
} as const
export type ExportFormat = keyof typeof EXPORT_FORMATS

/** The format `?format=` names, else the first of the Accept header's that we write; CSV by default. */
export function exportFormatOf(
  format: string | undefined,
  accept: string | undefined,
): ExportFormat {
  if (format) return format as ExportFormat
  for (const type of (accept ?? '').split(',').map((part) => part.split(';')[0]!.trim())) {
    if (type === 'application/json') return 'json'
    if (type === 'application/x-ndjson') return 'ndjson'
    if (type === 'text/csv') return 'csv'
  }
  return 'csv'
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** Drops absent values, so that a JSON row reads like the import's own rows. */
const present = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).filter(([, value]) => value !== null && value !== undefined),
  )

/** The export's body, pulled page by page from `pages` as the client reads it. */
export function exportStream(
  format: ExportFormat,
  columns: readonly string[],
  pages: AsyncIterable<Record<string, unknown>[]>,
): Readable {
  async function* text() {
    let first = true
    if (format === 'csv') yield `\uFEFF${stringify([columns], CSV_OPTIONS)}`
    if (format === 'json') yield '['
    for await (const rows of pages) {
      if (rows.length === 0) continue
      if (format === 'csv')
        yield stringify(
          rows.map((row) => columns.map((column) => cell(row[column]))),
          CSV_OPTIONS,
        )
      else if (format === 'ndjson')
        yield `${rows.map((row) => JSON.stringify(present(row))).join('\n')}\n`
      else {
        yield `${first ? '' : ','}${rows.map((row) => JSON.stringify(present(row))).join(',')}`
        first = false
      }
    }
    if (format === 'json') yield ']'
  }
  return Readable.from(text())
}
