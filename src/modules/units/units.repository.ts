import { randomUUID } from 'node:crypto'
import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely'
import { UUID_PATTERN } from '../../http/dates.js'
import type { DB, UnitKind } from '../../db/schema.js'
import { type UnitRow, namedBy, validOn } from '../../records/index.js'

export { type UnitRow, namedBy, validOn }

/** The columns a unit's representation (toUnit) is made of. */
export type UnitOutputRow = Pick<
  UnitRow,
  | 'id'
  | 'code'
  | 'name'
  | 'kind'
  | 'parent_id'
  | 'code_path'
  | 'valid_from'
  | 'valid_to'
  | 'attributes'
  | 'created_at'
  | 'updated_at'
>

/** ltree label of a unit id (labels may not contain '-' on PostgreSQL 15). */
export const pathLabel = (id: string) => id.replaceAll('-', '')

export interface NewUnit {
  id?: string
  code: string
  name: string
  kind: UnitKind
  parent: Pick<UnitRow, 'id' | 'path' | 'code_path'> | null
  validFrom: string | null
  validTo: string | null
  attributes: Record<string, unknown>
}

export function unitInsertValues(unit: NewUnit) {
  const id = unit.id ?? randomUUID()
  return {
    id,
    code: unit.code,
    name: unit.name,
    kind: unit.kind,
    parent_id: unit.parent?.id ?? null,
    path: unit.parent ? `${unit.parent.path}.${pathLabel(id)}` : pathLabel(id),
    code_path: unit.parent ? `${unit.parent.code_path}/${unit.code}` : unit.code,
    valid_from: unit.validFrom,
    valid_to: unit.validTo,
    attributes: JSON.stringify(unit.attributes),
  }
}

export function createUnitsRepository(db: Kysely<DB>) {
  // The lookup every request naming a unit makes, in its two shapes (namedBy's), built once and
  // run with each call's values: building it with Kysely on every call cost ~8 µs of CPU. Each
  // parameter of a shape is the ref or the date, as the placeholder values built into it say.
  const DATE = '2000-01-01'
  const shapeOf = (ref: string) => {
    const { sql, parameters } = db
      .selectFrom('units')
      .selectAll()
      .where(namedBy(ref, DATE, 'units'))
      .compile()
    const slots = parameters.map((value) => (value === DATE ? 'date' : 'ref'))
    return (ref: string, date: string) =>
      CompiledQuery.raw(
        sql,
        slots.map((slot) => (slot === 'date' ? date : ref)),
      )
  }
  const byId = shapeOf('00000000-0000-0000-0000-000000000000')
  const byCode = shapeOf('00')

  return {
    findById: (id: string, tx: Kysely<DB> = db) =>
      tx.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst(),

    /** The unit, locked until the transaction ends. */
    lockById: (id: string, tx: Transaction<DB>) =>
      tx.selectFrom('units').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),

    /** The unit a ref (an id, or a code valid on `date`) names. */
    findByRef: async (ref: string, date: string, tx: Kysely<DB> = db) => {
      const query = UUID_PATTERN.test(ref) ? byId(ref.toLowerCase(), date) : byCode(ref, date)
      return (await tx.executeQuery<UnitRow>(query)).rows[0]
    },

    /**
     * The units codes name on their dates, for many at once (bulk imports): the rule of
     * `namedBy` for codes, joined in SQL. One row per pair that names a unit; `i` is the pair's
     * 0-based position.
     */
    findByCodesOn: async (pairs: { code: string; date: string }[], tx: Kysely<DB> = db) =>
      // Every version of the codes first (an index scan for the whole list), then each pair
      // matched in memory: a join straight from the pairs had the planner hash every unit of
      // the country, or probe the code-overlap GiST index once a pair (~9 µs against ~1).
      (
        await sql<UnitRow & { i: number }>`
          with versions as materialized (
            select * from units where code = any(${[...new Set(pairs.map((p) => p.code))]}::text[])
          )
          select (r.i - 1)::int as i, u.*
          from unnest(${pairs.map((p) => p.code)}::text[], ${pairs.map((p) => p.date)}::date[])
            with ordinality as r(code, day, i)
          join versions u on u.code = r.code and ${validOn(sql.ref('r.day'), 'u')}`.execute(tx)
      ).rows,

    /** Every version of a code, oldest first: what a 404 on a code tells the caller. */
    periodsOfCode: (code: string, tx: Kysely<DB> = db) =>
      tx
        .selectFrom('units')
        .select(['valid_from', 'valid_to', 'name', 'path'])
        .where('code', '=', code)
        .orderBy(sql`valid_from nulls first`)
        .execute(),

    insert: (unit: NewUnit, tx: Kysely<DB> = db) =>
      tx
        .insertInto('units')
        .values(unitInsertValues(unit))
        .returningAll()
        .executeTakeFirstOrThrow(),

    update: (
      id: string,
      values: Partial<Pick<UnitRow, 'name' | 'valid_from' | 'valid_to'>> & { attributes?: string },
      tx: Kysely<DB> = db,
    ) =>
      tx
        .updateTable('units')
        .set({ ...values, updated_at: sql`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    delete: (id: string, tx: Kysely<DB> = db) =>
      tx.deleteFrom('units').where('id', '=', id).execute(),

    /** Children whose validity reaches outside [from, to] (null = open). */
    childrenOutside: (id: string, from: string | null, to: string | null, tx: Kysely<DB> = db) =>
      tx
        .selectFrom('units')
        .select(['id', 'code', 'name', 'valid_from', 'valid_to'])
        .where('parent_id', '=', id)
        .where(
          sql<boolean>`not (daterange(${from}::date, ${to}::date, '[]') @> daterange(valid_from, valid_to, '[]'))`,
        )
        .orderBy('code')
        .execute(),

    hasChildren: async (id: string, tx: Kysely<DB> = db) =>
      (await tx
        .selectFrom('units')
        .select('id')
        .where('parent_id', '=', id)
        .limit(1)
        .executeTakeFirst()) !== undefined,

    ancestors: (row: UnitRow, tx: Kysely<DB> = db) =>
      tx
        .selectFrom('units')
        .selectAll()
        .where(sql<boolean>`path @> ${row.path}::ltree`)
        .where('id', '<>', row.id)
        .orderBy(sql`nlevel(path)`)
        .execute(),
  }
}

export type UnitsRepository = ReturnType<typeof createUnitsRepository>
