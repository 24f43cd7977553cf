// Naming a unit in SQL: by id, or by a code as of a day (codes are reused over time), and the
// validity test every dated record checks its unit against.
import { type RawBuilder, type Selectable, sql } from 'kysely'
import type { UnitsTable } from '../db/schema.js'
import { UUID_PATTERN } from '../http/dates.js'

export type UnitRow = Selectable<UnitsTable>

/**
 * SQL: the unit is valid on `date` (both bounds inclusive, null = open). Written as comparisons
 * rather than `daterange(...) @> date`: for a prepared statement the planner cannot estimate the
 * range form and picked the code-overlap index, reading every unit of the country for one page.
 */
export const validOn = (date: string | RawBuilder<unknown>, alias?: string) => {
  const from = sql.ref(alias ? `${alias}.valid_from` : 'valid_from')
  const to = sql.ref(alias ? `${alias}.valid_to` : 'valid_to')
  const day = typeof date === 'string' ? sql`${date}::date` : date
  return sql<boolean>`(${from} is null or ${from} <= ${day}) and (${to} is null or ${to} >= ${day})`
}

/** SQL: the unit a ref names on `date`: an id (any case), else a code valid that day. */
export const namedBy = (ref: string, date: string, alias: string) =>
  UUID_PATTERN.test(ref)
    ? sql<boolean>`${sql.ref(`${alias}.id`)} = ${ref.toLowerCase()}::uuid`
    : sql<boolean>`${sql.ref(`${alias}.code`)} = ${ref} and ${validOn(date, alias)}`
