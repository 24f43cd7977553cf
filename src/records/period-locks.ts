// The lock of accepted reports: while a unit's report for a year is accepted, that year's records
// in its subtree cannot be created, changed, withdrawn or deleted. Every write path asks here (the
// writer's statement, removals, withdrawals, an import's checks), through the database function
// `period_locks` (migration 20261203T090000), which takes the year's lock shared before it reads
// the accepted reports, so that no write checked before an acceptance commits after it.
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { DB } from '../db/schema.js'
import { conflict } from '../http/errors.js'

/** A write (by its place in a batch) that falls in an accepted report's year and subtree. */
export interface PeriodLock {
  ord: number
  submissionId: string
  submissionUnitId: string
  year: number
}

/** One write's record: its unit and the year its period falls in. */
export interface PeriodOf {
  unitId: string
  year: number
}

/** 409 PERIOD_LOCKED, naming the accepted report. */
export const periodLocked = (lock: Pick<PeriodLock, 'submissionId' | 'year'>) =>
  conflict(
    'PERIOD_LOCKED',
    `The ${lock.year} records here are locked: the report ${lock.submissionId} that covers them was accepted. Reopen it to change them.`,
    { location: `/v1/report-submissions/${lock.submissionId}` },
  )

/**
 * SQL: the locks of the writes in `from` (a relation with `ord`, `year`, `unit_id`), as rows of
 * `ord`, `submission_id`, `submission_unit_id`, `year`.
 */
export const periodLocksOf = (from: RawBuilder<unknown>) =>
  sql`select l.* from (
      select array_agg(p.ord) as ords, array_agg(p.year) as years, array_agg(p.unit_id) as units
      from (${from}) p
    ) a cross join lateral period_locks(a.ords, a.years, a.units) l`

/**
 * The locks of `writes` (one lock per write at most), holding the years' locks until the
 * transaction ends: pass the writing transaction, and check before the write.
 */
export async function periodLocks(
  tx: Kysely<DB>,
  writes: readonly PeriodOf[],
): Promise<Map<number, PeriodLock>> {
  const locks = new Map<number, PeriodLock>()
  if (writes.length === 0) return locks
  const { rows } = await sql<{
    ord: number
    submission_id: string
    submission_unit_id: string
    year: number
  }>`select * from period_locks(${writes.map((_, i) => i)}::int[],
      ${writes.map((w) => w.year)}::int[], ${writes.map((w) => w.unitId)}::uuid[])`.execute(tx)
  for (const r of rows)
    if (!locks.has(r.ord))
      locks.set(r.ord, {
        ord: r.ord,
        submissionId: r.submission_id,
        submissionUnitId: r.submission_unit_id,
        year: r.year,
      })
  return locks
}

/** Throws PERIOD_LOCKED if any of `writes` is locked (removals, withdrawals). */
export async function assertUnlocked(tx: Kysely<DB>, ...writes: PeriodOf[]): Promise<void> {
  const [lock] = (await periodLocks(tx, writes)).values()
  if (lock) throw periodLocked(lock)
}
