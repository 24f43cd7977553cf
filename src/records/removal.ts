// A DELETE with If-Match, the same for every resource removed by id: in one transaction the row
// is locked, compared with If-Match, checked against the locks of accepted reports (a record
// dataset's), deleted, and its deletion audited with the record as shown.
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import type { Asking } from '../http/caller.js'
import { type ConditionalRemoval, lockMatching } from '../http/etag.js'
import { recordAudit } from './audit.js'
import { type PeriodOf, assertUnlocked } from './period-locks.js'

export interface Removable<Row> {
  entity: string
  lock: (id: string, tx: Transaction<DB>) => Promise<Row | undefined>
  delete: (id: string, tx: Transaction<DB>) => Promise<unknown>
  show: (row: Row) => unknown
  /** The unit the record hangs from, for the audit's unit filter. */
  unitOf: (row: Row) => string | null
  /** A record's unit and year, where accepted reports lock it. */
  periodOf?: (row: Row) => PeriodOf
}

export async function removeMatching<Row extends { id: string }>(
  db: Kysely<DB>,
  removable: Removable<Row>,
  { found, ifMatch }: ConditionalRemoval<Row>,
  { actor }: Asking,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const current = await lockMatching(removable.lock(found.id, tx), ifMatch, removable.show)
    if (removable.periodOf) await assertUnlocked(tx, removable.periodOf(current))
    await removable.delete(current.id, tx)
    await recordAudit(tx, actor, {
      action: 'delete',
      entity: removable.entity,
      entityId: current.id,
      unitId: removable.unitOf(current),
      before: removable.show(current),
    })
  })
}
