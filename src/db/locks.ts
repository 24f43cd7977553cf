// Making compare-and-write one step on a server that runs requests side by side. The check of a
// precondition (If-Match, If-None-Match, "unchanged") and the write it guards must see the same
// row: either the row is locked in the writing transaction before it is compared, or — for a
// record that may not exist yet — writers of the same key take turns on a transaction-scoped
// advisory lock, so the second one reads what the first committed.
import { sql, type Transaction } from 'kysely'
import type { DB } from './schema.js'

/** SQL: wait for, then hold until commit, the lock of one logical record (e.g. a unit's year). */
export const lockKeyCall = (...parts: (string | number)[]) =>
  sql`pg_advisory_xact_lock(hashtextextended(${parts.join(':')}, 0))`

/** Waits for, then holds until commit, the lock of one logical record (e.g. a unit's year). */
export async function lockKey(tx: Transaction<DB>, ...parts: (string | number)[]): Promise<void> {
  await sql`select ${lockKeyCall(...parts)}`.execute(tx)
}

/** SQL: true, holding the lock until commit, when no other transaction holds it; else false. */
export const tryLockKeyCall = (...parts: (string | number)[]) =>
  sql<boolean>`pg_try_advisory_xact_lock(hashtextextended(${parts.join(':')}, 0))`
