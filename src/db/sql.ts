// SQL fragments shared by modules.
import { PostgresQueryCompiler, type RawBuilder, createQueryId, sql } from 'kysely'

const compiler = new PostgresQueryCompiler()

/**
 * A fragment without parameters as plain SQL text, for one that a frequent statement would build
 * again on every call (a page of units built the JSON of a unit from its fields each time: ~12 µs).
 */
export function rendered<T>(fragment: RawBuilder<T>): RawBuilder<T> {
  const { sql: text, parameters } = compiler.compileQuery(
    fragment.toOperationNode(),
    createQueryId(),
  )
  if (parameters.length > 0) throw new Error(`rendered: a fragment with parameters: ${text}`)
  return sql.raw<T>(text)
}

/**
 * A timestamptz as JavaScript's `toISOString()` writes it (UTC, milliseconds, `Z`): how the API
 * shows timestamps, for statements that build a representation in SQL. Stored timestamps have
 * millisecond precision (`timestamptz(3)`), so both spell the same instant the same way.
 */
export const isoTimestamp = (expression: RawBuilder<unknown>) =>
  sql<string>`to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
