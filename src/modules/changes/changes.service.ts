// The change feed as a reader sees it: a page after a position, only what the key may see,
// waiting (long polling) when nothing is new.
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { Caller } from '../../http/caller.js'
import { today } from '../../http/dates.js'
import { gone } from '../../http/errors.js'
import type { UnitsService } from '../units/index.js'
import { cursorOf, type Position, positionOf, START } from './changes.position.js'
import { type ChangeRow, currentHorizon, readChanges } from './changes.repository.js'
import type { Change } from './changes.schemas.js'
import type { ChangeSignal } from './changes.signal.js'

/**
 * How soon a waiting reader looks again while a change it cannot see yet is held back by an
 * older transaction that is still running (whose commit may write nothing and so notify nobody).
 */
const HELD_BACK_RECHECK_MS = 200

export interface ChangesQuery {
  after?: string | undefined
  entity?: readonly string[] | undefined
  under?: string | undefined
  limit: number
  wait: number
}

export const toChange = (row: ChangeRow): Change => ({
  cursor: cursorOf(row),
  entity: row.entity as Change['entity'],
  entityId: row.entityId,
  action: row.action as Change['action'],
  unit: row.unitId === null ? null : { id: row.unitId, code: row.unitCode },
  occurredAt: row.occurredAt,
  data: row.data ?? null,
})

export function createChangesService(db: Kysely<DB>, units: UnitsService, signal: ChangeSignal) {
  async function list(q: ChangesQuery, caller: Caller | null, abort: AbortSignal) {
    const underPath = q.under ? (await units.resolve(q.under, today(), caller)).path : undefined
    const scopePath = await units.scopePathOf(caller)
    // `now`: everything visible now is behind the reader; what commits from here on is ahead.
    let after: Position =
      q.after === undefined
        ? START
        : q.after === 'now'
          ? { txid: await currentHorizon(db), id: 0 }
          : positionOf(q.after)
    const deadline = Date.now() + q.wait * 1000
    for (;;) {
      const read = await readChanges(db, {
        after,
        limit: q.limit,
        entities: q.entity,
        underPath,
        scopePath,
      })
      // Without `after` the reader starts from the oldest change kept, whatever was deleted.
      if (read.expired && q.after !== undefined)
        throw gone(
          'CURSOR_EXPIRED',
          'Changes after this cursor are older than the feed keeps; read the records again, then follow the feed from after=now.',
        )
      const { rows, next } = read
      const remaining = deadline - Date.now()
      if (rows.length > 0 || read.more || remaining <= 0 || abort.aborted)
        return { items: rows.map(toChange), nextCursor: cursorOf(next) }
      after = next
      await signal.wait(read.pending ? Math.min(HELD_BACK_RECHECK_MS, remaining) : remaining, abort)
    }
  }

  return { list }
}

export type ChangesService = ReturnType<typeof createChangesService>
