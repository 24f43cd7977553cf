// A list operation, declared and answered the way every list is: `?limit=&cursor=` in and
// `{ items, nextCursor }` out, the cursor read as the sort key of the previous page's last row
// (400 when this service did not issue it), one row more than the page asked of the service, and
// the next cursor made of the page's last row. A list writes only what it filters and how it
// orders.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { Static, TSchema } from 'typebox'
import { decodeCursor, toJsonPage, toPage } from './pagination.js'
import { problemResponses } from './problem.schema.js'
import { sendJson } from './raw-json.js'
import type { Addressed, OperationDoc } from './resource-routes.js'

type App = Parameters<FastifyPluginAsyncTypebox>[0]
type SortKey = (string | number)[]

/** How a page's items are sent: as objects, or as the JSON text the database built for each. */
type Items<Row> = { toItem: (row: Row) => unknown } | { jsonOf: (row: Row) => string }

export type ListRoute<
  P extends TSchema,
  Q extends TSchema,
  Row,
  Key extends SortKey,
  Named,
> = OperationDoc &
  Items<Row> & {
    tags: string[]
    onRequest?: (request: FastifyRequest) => Promise<void>
    params?: P
    querystring: Q
    page: TSchema
    /** The operation's error statuses. */
    errors: number[]
    /**
     * What the request names (a unit, the resource listed under), resolved before the cursor is
     * read: a name not found answers 404 whatever the cursor.
     */
    resolve?: (request: Addressed<P, Q>) => Promise<Named>
    /** The number of parts of the sort key, or a decoder that also checks their values (or 400). */
    cursor: number | ((cursor: string) => Key)
    /** Up to `limit` + 1 rows after the sort key `after` (from the first without one). */
    rows: (request: Addressed<P, Q>, after: Key | undefined, named: Named) => Promise<Row[]>
    /** A row's sort key, which the next page's cursor holds. */
    keyOf: (row: Row) => Key
  }

/** Registers GET `url`: the list `spec` describes, a page at a time. */
export function listRoute<
  P extends TSchema,
  Q extends TSchema,
  Row,
  Key extends SortKey,
  Named = undefined,
>(app: App, url: string, spec: ListRoute<P, Q, Row, Key, Named>) {
  const { operationId, description, tags, summary, params, querystring } = spec
  const decode =
    typeof spec.cursor === 'number'
      ? (cursor: string) => decodeCursor(cursor, spec.cursor as number) as Key
      : spec.cursor

  app.get(url, {
    ...(spec.onRequest ? { onRequest: spec.onRequest } : {}),
    schema: {
      operationId,
      description,
      tags,
      summary,
      ...(params ? { params } : {}),
      querystring,
      response: { 200: spec.page, ...problemResponses(...spec.errors) },
    },
    handler: async (request, reply) => {
      const addressed: Addressed<P, Q> = {
        params: request.params as Static<P>,
        query: request.query as Static<Q>,
        caller: request.caller,
      }
      const named = (await spec.resolve?.(addressed)) as Named
      const { limit, cursor } = request.query as { limit: number; cursor?: string }
      const rows = await spec.rows(addressed, cursor ? decode(cursor) : undefined, named)
      if ('jsonOf' in spec) return sendJson(reply, toJsonPage(rows, limit, spec.jsonOf, spec.keyOf))
      return toPage(rows, limit, spec.toItem, spec.keyOf)
    },
  })
}
