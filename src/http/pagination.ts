// Cursor pagination shared by every list: `?limit=&cursor=` in, `{ items, nextCursor }` out.
// A cursor is the sort key of the last row, base64url-encoded JSON: opaque to clients.
import Type, { type TSchema } from 'typebox'
import { badRequest } from './errors.js'

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 1000

export const PaginationQuery = {
  limit: Type.Integer({
    minimum: 1,
    maximum: MAX_LIMIT,
    default: DEFAULT_LIMIT,
    description: 'Items per page.',
  }),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'The `nextCursor` of the previous page.',
    }),
  ),
}

export function Page<T extends TSchema>(item: T, title: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Unsafe<string | null>({
        type: ['string', 'null'],
        description: 'Pass as `cursor` for the next page; null on the last.',
      }),
    },
    { title },
  )
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** Decodes a cursor made by encodeCursor with `arity` string or number parts, or answers 400. */
export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((k) => typeof k === 'string' || typeof k === 'number')
    ) {
      return key
    }
  } catch {
    // fall through to the 400 below
  }
  throw invalidCursor()
}

/** Given limit + 1 rows: the items of the page, and the cursor of its last row when more follow. */
export function toPage<R, I>(
  rows: R[],
  limit: number,
  toItem: (row: R) => I,
  keyOf: (row: R) => (string | number)[],
) {
  const hasMore = rows.length > limit
  const pageRows = hasMore ? rows.slice(0, limit) : rows
  const last = pageRows.at(-1)
  return {
    items: pageRows.map(toItem),
    nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null,
  }
}

/**
 * toPage for rows that carry their item as JSON text already (built by the database): the page
 * as the JSON the route sends, without parsing and serialising every item again.
 */
export function toJsonPage<R>(
  rows: R[],
  limit: number,
  jsonOf: (row: R) => string,
  keyOf: (row: R) => (string | number)[],
): string {
  const { items, nextCursor } = toPage(rows, limit, jsonOf, keyOf)
  return `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`
}

/** The 400 of a cursor this service did not issue; `pointer` names the parameter that held it. */
export function invalidCursor(pointer = 'cursor') {
  return badRequest(
    'INVALID_CURSOR',
    'The cursor is not one this service issued; start again without it.',
    [{ pointer, code: 'INVALID_CURSOR', detail: 'is not a valid cursor' }],
  )
}
