// Following the change feed with the typed client: every change after a cursor, in order, as an
// async iterator that long-polls when nothing is new. Keep `cursor` of the last change handled
// (in your own database, with what you wrote from it) and start from there next time.
import type { AntqClient, Schemas } from './index.js'

export type Change = Schemas['Change']

export interface FollowOptions {
  /** Where to start: a change's `cursor`, `now`, or absent for the oldest change kept. */
  after?: string
  /** Only these kinds of record. */
  entity?: Change['entity'][]
  /** Only changes about this unit (id or code) and the units below it. */
  under?: string
  /** Seconds each request waits for a change when none is new (≤ 30). */
  wait?: number
  /** Stops the iteration (between requests). */
  signal?: AbortSignal
}

export async function* followChanges(
  client: AntqClient,
  { after, entity, under, wait = 30, signal }: FollowOptions = {},
): AsyncGenerator<Change> {
  let cursor = after
  while (!signal?.aborted) {
    const { data, error } = await client.GET('/v1/changes', {
      params: {
        query: {
          ...(cursor ? { after: cursor } : {}),
          ...(entity ? { entity } : {}),
          ...(under ? { under } : {}),
          wait,
        },
      },
    })
    // 410: the cursor is older than the feed keeps; read the records again, then follow `now`.
    if (error) throw new Error(`${error.code}: ${error.detail ?? error.title}`)
    yield* data.items
    cursor = data.nextCursor
  }
}
