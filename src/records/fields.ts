// A record's fields declared once — API name, column, SQL type — and what derives from them: the
// API object of a row, the same object built by the database (pages, the audit), the columns of an
// export, and the columns a set-based write reads its rows from.
import { type RawBuilder, sql } from 'kysely'

export type SqlType =
  'text' | 'date' | 'integer' | 'uuid' | 'jsonb' | 'boolean' | 'timestamptz' | 'ltree'

export interface FieldSpec {
  column: string
  type: SqlType
}

/**
 * The SQL function family an object is built with: `json` keeps the declared order (pages are sent
 * as the database built them); `jsonb` for what is stored as jsonb (the audit), which would
 * otherwise be built as text and parsed again.
 */
export type JsonBuilder = 'json' | 'jsonb'

/** A record's fields in the order its representation lists them, keyed by API name. */
export type Fields = Readonly<Record<string, FieldSpec>>

/** The API values of the declared fields of a stored row (columns read as the driver gives them). */
export function apiValuesOf(fields: Fields, row: object): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  const source = row as Record<string, unknown>
  for (const [api, { column }] of Object.entries(fields)) values[api] = source[column]
  return values
}

/** SQL: the `'apiName', alias.column` pairs of a `json_build_object`, in declaration order. */
export const jsonPairs = (fields: Fields, alias: string): RawBuilder<unknown> =>
  sql.join(
    Object.entries(fields).map(
      ([api, { column }]) => sql`${sql.lit(api)}, ${sql.ref(`${alias}.${column}`)}`,
    ),
  )

/** SQL: `alias.column as "apiName"` for each field (an export's columns). */
export const selectedAs = (fields: Fields, alias: string): RawBuilder<unknown> =>
  sql.join(
    Object.entries(fields).map(
      ([api, { column }]) => sql`${sql.ref(`${alias}.${column}`)} as ${sql.ref(api)}`,
    ),
  )

/** SQL: the column names of a statement's input, for the alias list of `as v(...)`. */
export const columnRefs = (columns: readonly { column: string }[], alias?: string) =>
  sql.join(columns.map(({ column }) => sql.ref(alias ? `${alias}.${column}` : column)))
