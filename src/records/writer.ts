// The set-based writer every record dataset writes through: a single PUT, POST or PATCH is a batch
// of one, an import's batch is a batch of thousands, and both are one statement of one shape. The
// statement reads the batch from typed arrays, keeps the rows the dataset accepts (its rules in
// SQL, where it has any), inserts the new records (a conflict with a record another writer made
// first writes nothing), replaces stored ones only if unchanged since they were read (compare and
// write on updated_at, so what is replaced is exactly the version read), and writes one audit row
// per written record, whose before and after the dataset's SQL builds from the rows themselves.
// A write that comes back undefined was refused: the caller's checks, or a fresh read, say why.
import { randomUUID } from 'node:crypto'
import { CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely'
import { PREPARE_HINT } from '../db/prepared-statements.js'
import type { DB } from '../db/schema.js'
import type { Actor } from '../http/caller.js'
import { type FieldSpec, columnRefs } from './fields.js'
import { periodLocked, periodLocksOf } from './period-locks.js'

export interface RecordWriter<Input> {
  table: keyof DB
  entity: string
  /** The batch's columns (besides ord, new_id, replaces_id, seen) and each write's values. */
  input: readonly FieldSpec[]
  /**
   * A write's values by column. Called for every row of an import: build the object from named
   * properties with at most one spread, last, or with Object.assign. V8 builds `{ ...a, b }` and
   * `{ ...a, ...b }` on a slow path: 3–4 µs a row against 0.1–0.2 µs.
   */
  valuesOf(write: Input): Record<string, unknown>
  /** The version a write replaces, as read; none for a new record. */
  replacesOf(write: Input): { id: string; updatedAt: Date } | undefined
  /**
   * SQL: the accepted rows of `v` (default: all), with every column inserts and updates read. It
   * holds no parameter: the writer's statement is built once, and per-call values are input columns.
   */
  accepted?: RawBuilder<unknown>
  /**
   * SQL: the year the record aliased `alias` falls in (an accepted row, or a stored record), for
   * the lock of accepted reports: a write falling in a locked year and subtree is refused, and a
   * replacement is refused for the stored version's year too (a meeting moved out of a locked year).
   */
  periodYear: (alias: string) => RawBuilder<unknown>
  /** Columns an insert sets from the accepted row, besides `id`. */
  inserted: readonly { column: string }[]
  /** Columns a replacement sets from the accepted row, and any other assignment it makes. */
  replaced: readonly { column: string }[]
  alsoOnReplace?: RawBuilder<unknown>
  /** The unique key a first record conflicts on (`(unit_id, year)`, …). */
  conflict: RawBuilder<unknown>
  /** Columns of the accepted row carried to what the writer returns (the unit's code, …). */
  carried: readonly string[]
  /**
   * SQL over `w` (written, with carried columns) and `p` (the version replaced, or nulls). A batch
   * that replaces nothing has no `p`: its audit uses `after` and `joins` only.
   */
  audit: {
    created: RawBuilder<unknown>
    before: RawBuilder<unknown>
    after: RawBuilder<unknown>
    /** Joins over `w` alone. */
    joins?: RawBuilder<unknown>
    /** Joins over `p` (the replaced version's unit, …), after `joins`. */
    priorJoins?: RawBuilder<unknown>
  }
}

export interface WriteContext {
  actor: Actor
  importId?: string | null
}

const COMMON: readonly FieldSpec[] = [
  { column: 'ord', type: 'integer' },
  { column: 'new_id', type: 'uuid' },
  { column: 'replaces_id', type: 'uuid' },
  { column: 'seen', type: 'timestamptz' },
]

/** A per-call value of a statement built once: its place in the call's values. */
class Slot {
  constructor(readonly index: number) {}
}

/** What a write answers: the written rows, or only how many (an import's batch). */
type Answer = 'rows' | 'count'

/**
 * The statement's shape: one write or a batch; whether any write replaces a stored version (a
 * POST, or an import of new records, replaces none: its statement has no update and no versions
 * to read, which cost a single POST a sixth of the database's time).
 */
interface Shape {
  single: boolean
  replacing: boolean
  answer: Answer
}

const statements = new WeakMap<object, Map<string, CompiledQuery>>()

/** The writer's statement, with slots for its per-call values (see writeRecords). */
function statementOf(
  db: Kysely<DB>,
  writer: RecordWriter<never>,
  input: readonly FieldSpec[],
  { single, replacing, answer }: Shape,
): CompiledQuery {
  const byShape = statements.get(writer) ?? new Map<string, CompiledQuery>()
  statements.set(writer, byShape)
  const key = `${single}:${replacing}:${answer}`
  const cached = byShape.get(key)
  if (cached) return cached
  const slot = (index: number) => new Slot(index)
  const n = input.length
  // A single write's values are scalars (one array each cost the service a fifth of a POST's
  // time to serialize, and the database an unnest); a batch's, one array per column.
  const scalars = input.map(
    ({ column, type }, i) => sql`${slot(i)}::${sql.raw(type)} as ${sql.ref(column)}`,
  )
  const arrays = input.map(({ type }, i) => sql`${slot(i)}::${sql.raw(type)}[]`)
  const batch = single
    ? sql`select ${sql.join(scalars)}`
    : sql`select * from unnest(${sql.join(arrays)}) as v(${columnRefs(input)})`
  const table = sql.table(writer.table)
  const set = sql.join(
    writer.replaced.map(({ column }) => sql`${sql.ref(column)} = ${sql.ref(`ok.${column}`)}`),
  )
  const carried = sql.join(writer.carried.map((column) => sql.ref(`ok.${column}`)))
  // A single write runs the prepared statement; a batch is planned for its size (a generic plan
  // made for one row cost a batch of meetings four times the database's time per row).
  const hint = sql.raw(single ? PREPARE_HINT : '')
  // The stored versions replaced. A batch names them in one array of ids besides its column of
  // them: planned for the call, the planner sees how few there are and reads them by the primary
  // key (joined on the batch's column, a batch of new records made it scan the whole table, once
  // per batch). A single write's plan is made once for any call, where an array of unknown length
  // is costed as a share of the table (a scan growing with it): it joins its one row instead.
  const replaced = single
    ? { prev: sql`ok join ${table} t on t.id = ok.replaces_id`, upd: sql`` }
    : {
        prev: sql`${table} t where t.id = any(${slot(n + 4)}::uuid[])`,
        upd: sql`t.id = any(${slot(n + 4)}::uuid[]) and `,
      }
  const inserted = sql`ins as (
      insert into ${table} (id, ${columnRefs(writer.inserted)})
      select ok.new_id, ${columnRefs(writer.inserted, 'ok')} from ok where ok.replaces_id is null
      on conflict ${writer.conflict} do nothing
      returning *
    )`
  const replacements = replacing
    ? sql`prev as (
      select t.* from ${replaced.prev}
    ), ${inserted}, upd as (
      update ${table} t set ${set}${writer.alsoOnReplace ?? sql``}, updated_at = now()
      from ok where ${replaced.upd}t.id = ok.replaces_id and t.updated_at = ok.seen
      returning t.*
    ), written as (
      select w.*, ok.ord, ${carried}
      from (select * from ins union all select * from upd) w
      join ok on w.id = coalesce(ok.replaces_id, ok.new_id)
    )`
    : sql`${inserted}, written as (
      select w.*, ok.ord, ${carried} from ins w join ok on w.id = ok.new_id
    )`
  // The locks of accepted reports over the accepted rows (and the versions they replace): a
  // locked write is left out, and the answer names its lock.
  const periods = sql`select c.ord, ${writer.periodYear('c')} as year, c.unit_id from checked c${
    replacing
      ? sql` union all select c.ord, ${writer.periodYear('t')}, t.unit_id
          from checked c join ${table} t on t.id = c.replaces_id`
      : sql``
  }`
  const { audit } = writer
  const [action, before, from] = replacing
    ? [
        sql`case when ${audit.created} then 'create' else 'update' end`,
        audit.before,
        sql`written w left join prev p on p.id = w.id ${audit.joins ?? sql``} ${audit.priorJoins ?? sql``}`,
      ]
    : [sql`'create'`, sql`null::jsonb`, sql`written w ${audit.joins ?? sql``}`]
  const statement = sql`${hint}
    with v as (${batch}), checked as (${writer.accepted ?? sql`select * from v`}
    ), locks as (${periodLocksOf(periods)}
    ), ok as (select * from checked c where not exists (select 1 from locks l where l.ord = c.ord)
    ), ${replacements}, audit as (
      insert into audit_events (actor_key_id, actor_name, action, entity, entity_id, unit_id,
        before, after, request_id, import_id)
      select ${slot(n)}::uuid, ${slot(n + 1)}, ${action}, ${sql.lit(writer.entity)},
        w.id::text, w.unit_id, ${before}, ${audit.after}, ${slot(n + 2)}, ${slot(n + 3)}::uuid
      from ${from}
    )
    ${
      answer === 'rows'
        ? sql`select w.*, l.submission_id as locked_by, l.year as locked_year
          from written w full join locks l on false`
        : sql`select count(*)::int as count from written`
    }`.compile(db)
  byShape.set(key, statement)
  return statement
}

const inputs = new WeakMap<object, readonly FieldSpec[]>()
/** The statement's input columns: the common ones, then the writer's. */
function inputOf(writer: RecordWriter<never>): readonly FieldSpec[] {
  let input = inputs.get(writer)
  if (!input) inputs.set(writer, (input = [...COMMON, ...writer.input]))
  return input
}

/** Runs the writer's statement over `writes`, answering with the rows or their count. */
async function execute<Input, Row>(
  db: Kysely<DB>,
  writer: RecordWriter<Input>,
  writes: readonly Input[],
  { actor, importId = null }: WriteContext,
  answer: Answer,
) {
  const input = inputOf(writer)
  const single = writes.length === 1
  // The statement's text is built once per writer (building it was half the service's CPU of a
  // POST); each call fills its slots: one value (a single write) or one array (a batch) per input
  // column, then the actor, the import and the ids of the versions replaced. Columns are filled
  // straight from each write's values, with no second object per row.
  const columns: unknown[] = input.map(() => (single ? null : new Array(writes.length)))
  const replacedIds: string[] = []
  writes.forEach((write, ord) => {
    const values = writer.valuesOf(write)
    const replaces = writer.replacesOf(write)
    if (replaces) replacedIds.push(replaces.id)
    const common = [ord, randomUUID(), replaces?.id ?? null, replaces?.updatedAt ?? null]
    for (let i = 0; i < input.length; i++) {
      const value = i < COMMON.length ? common[i] : (values[input[i]!.column] ?? null)
      if (single) columns[i] = value
      else (columns[i] as unknown[])[ord] = value
    }
  })
  const values: unknown[] = [
    ...columns,
    actor.keyId,
    actor.name,
    actor.requestId,
    importId,
    replacedIds,
  ]
  const statement = statementOf(db, writer, input, {
    single,
    replacing: replacedIds.length > 0,
    answer,
  })
  const { rows: written } = await db.executeQuery<Row>(
    CompiledQuery.raw(
      statement.sql,
      statement.parameters.map((p) => (p instanceof Slot ? values[p.index] : p)),
    ),
  )
  return written
}

/** The columns of the answer that name a write's lock instead (the other columns are null). */
interface LockColumns {
  locked_by: string | null
  locked_year: number | null
}

/**
 * The written rows (with the carried columns), in the order of `writes`; undefined if refused.
 * A write falling in a year and subtree an accepted report locks throws PERIOD_LOCKED.
 */
export async function writeRecords<Input, Row>(
  db: Kysely<DB>,
  writer: RecordWriter<Input>,
  writes: readonly Input[],
  context: WriteContext,
): Promise<(Row | undefined)[]> {
  if (writes.length === 0) return []
  const written = await execute<Input, Row & { ord: number } & LockColumns>(
    db,
    writer,
    writes,
    context,
    'rows',
  )
  const byOrd = new Array<Row | undefined>(writes.length)
  for (const { ord, locked_by, locked_year, ...row } of written) {
    if (locked_by !== null) throw periodLocked({ submissionId: locked_by, year: locked_year! })
    byOrd[ord] = row as Row
  }
  return byOrd
}

/**
 * Whether every write of `writes` was written (an import's batch: its rows were checked, and
 * what the statement would send back is not needed; only that none was refused meanwhile).
 */
export async function writeEveryRecord<Input>(
  db: Kysely<DB>,
  writer: RecordWriter<Input>,
  writes: readonly Input[],
  context: WriteContext,
): Promise<boolean> {
  if (writes.length === 0) return true
  const [{ count }] = (await execute<Input, { count: number }>(
    db,
    writer,
    writes,
    context,
    'count',
  )) as [{ count: number }]
  return count === writes.length
}

/** SQL for `audit.joins`: `wu`, the written row's unit from its carried code, name and kind. */
export const WRITTEN_UNIT = sql`cross join lateral (select w.unit_id as id, w.unit_code as code,
  w.unit_name as name, w.unit_kind as kind) wu`

/** The input columns of a unit the caller has resolved: written rows carry them back. */
export const UNIT_INPUT: readonly FieldSpec[] = [
  { column: 'unit_id', type: 'uuid' },
  { column: 'unit_code', type: 'text' },
  { column: 'unit_name', type: 'text' },
  { column: 'unit_kind', type: 'text' },
]
export const UNIT_CARRIED = ['unit_code', 'unit_name', 'unit_kind'] as const

/** The input values of a resolved unit, for UNIT_INPUT. */
export const unitValues = (unit: { id: string; code: string; name: string; kind: string }) => ({
  unit_id: unit.id,
  unit_code: unit.code,
  unit_name: unit.name,
  unit_kind: unit.kind,
})
