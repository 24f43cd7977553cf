// A position in the change feed: the writing transaction's id (xid8, as decimal text) and the
// change's id within it. Positions order the feed; a cursor is a position made opaque.
import { decodeCursor, encodeCursor, invalidCursor } from '../../http/pagination.js'

export interface Position {
  readonly txid: string
  readonly id: number
}

export const START: Position = { txid: '0', id: 0 }

export const cursorOf = (p: Position) => encodeCursor([p.txid, p.id])

/** The position a cursor holds, or 400 INVALID_CURSOR. */
export function positionOf(cursor: string, pointer = 'after'): Position {
  let parts: (string | number)[]
  try {
    parts = decodeCursor(cursor, 2)
  } catch {
    throw invalidCursor(pointer)
  }
  const [txid, id] = parts
  if (
    typeof txid === 'string' &&
    /^\d{1,20}$/.test(txid) &&
    BigInt(txid) < 2n ** 64n &&
    typeof id === 'number' &&
    Number.isSafeInteger(id) &&
    id >= 0
  ) {
    return { txid, id }
  }
  throw invalidCursor(pointer)
}

export function compare(a: Position, b: Position): number {
  const ta = BigInt(a.txid)
  const tb = BigInt(b.txid)
  if (ta !== tb) return ta < tb ? -1 : 1
  return a.id - b.id
}
