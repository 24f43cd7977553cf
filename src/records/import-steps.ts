// The steps every record dataset's import takes after its own checks, alike for all of them: the
// stored records the rows name, what each row would do to its record, and the write of a batch
// by the dataset's writer (all or nothing: a record written by someone else meanwhile refuses it).
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'
import type { Checked, ImportContext, Outcome } from './dataset.js'
import type { SqlType } from './fields.js'
import { periodLocks, type PeriodOf } from './period-locks.js'
import { changedMeanwhile } from './row-checks.js'
import type { WriteContext } from './writer.js'

/**
 * The stored records of `table` keyed by unit and one column (`year`, `period`), with their
 * units' code, name and kind; by `unitId:key`.
 */
export async function storedByUnitAnd<Row extends { unit_id: string }>(
  tx: Kysely<DB>,
  table: 'certifications' | 'reeducation_counts',
  column: { name: 'year' | 'period'; type: SqlType },
  keys: { unitId: string; key: string | number }[],
): Promise<Map<string, Row>> {
  const { rows } = await sql<Row>`
    select r.*, u.code as unit_code, u.name as unit_name, u.kind as unit_kind
    from unnest(${keys.map((k) => k.unitId)}::uuid[],
      ${keys.map((k) => k.key)}::${sql.raw(column.type)}[]) as k(unit_id, key)
    join ${sql.table(table)} r on r.unit_id = k.unit_id and ${sql.ref(`r.${column.name}`)} = k.key
    join units u on u.id = r.unit_id`.execute(tx)
  return new Map(
    rows.map((row) => [
      `${row.unit_id}:${String((row as Record<string, unknown>)[column.name])}`,
      row,
    ]),
  )
}

/**
 * What writing a row does to its record: creates it (none stored, or one that no longer counts,
 * as `counts` says), leaves it unchanged (the same values), or updates it.
 */
export function outcomeOf<Stored>(
  stored: Stored | undefined,
  same: (stored: Stored) => boolean,
  counts: (stored: Stored) => boolean = () => true,
): Outcome {
  if (stored === undefined || !counts(stored)) return 'created'
  return same(stored) ? 'unchanged' : 'updated'
}

/**
 * Writes a batch's changes with the dataset's writer (which says whether every one was written):
 * a record of the file written by someone else since the batch was checked refuses the import.
 */
export async function writeBatch<Change>(
  checked: { change: unknown }[],
  context: ImportContext,
  writeEvery: (tx: Kysely<DB>, changes: Change[], context: WriteContext) => Promise<boolean>,
): Promise<void> {
  const written = await writeEvery(
    context.tx,
    checked.map((c) => c.change as Change),
    {
      actor: context.actor,
      importId: context.importId,
    },
  )
  if (!written) throw changedMeanwhile()
}

/**
 * The batch with each change that falls in a year and subtree an accepted report locks refused
 * (PERIOD_LOCKED, naming the report). The years' locks are then held until the import's
 * transaction ends: no report covering the file's records can be accepted before it commits.
 */
export async function refuseLocked<Change>(
  tx: Kysely<DB>,
  checked: Checked<Change>[],
  periodsOf: (change: Change) => PeriodOf[],
  pointer: string,
): Promise<Checked<Change>[]> {
  const writes: PeriodOf[] = []
  const owners: number[] = []
  checked.forEach((result, i) => {
    if ('errors' in result || result.outcome === 'unchanged') return
    for (const period of periodsOf(result.change)) {
      writes.push(period)
      owners.push(i)
    }
  })
  const locks = await periodLocks(tx, writes)
  if (locks.size === 0) return checked
  const refused = [...checked]
  for (const lock of locks.values()) {
    const i = owners[lock.ord]!
    const { row } = refused[i]!
    if ('errors' in refused[i]!) continue
    refused[i] = {
      row,
      errors: [
        {
          row,
          pointer,
          code: 'PERIOD_LOCKED',
          detail: `falls in ${lock.year}, locked by the accepted report ${lock.submissionId}`,
        },
      ],
    }
  }
  return refused
}
