// SQL fragments shared by modules.
import { type RawBuilder, sql } from 'kysely'

/**
 * A timestamptz as JavaScript's `toISOString()` writes it (UTC, milliseconds, `Z`): how the API
 * shows timestamps, for statements that build a representation in SQL. Stored timestamps have
 * millisecond precision (`timestamptz(3)`), so both spell the same instant the same way.
 */
export const isoTimestamp = (expression: RawBuilder<unknown>) =>
  sql<string>`to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
