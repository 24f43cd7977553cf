import { type Kysely, type Selectable, sql } from 'kysely'
import { tryLockKeyCall } from '../../db/locks.js'
import type {
  DB,
  ImportCounts,
  ImportRowError,
  ImportStatus,
  ImportsTable,
} from '../../db/schema.js'

export type ImportRow = Selectable<ImportsTable>

export interface ImportEnd {
  status: ImportStatus
  counts: ImportCounts | null
  errors: ImportRowError[]
  errorsTruncated: boolean
  bodySha256: string | null
  rowsRead: number
  bytesRead: number
  failure?: string | null
}

export interface ImportListFilter {
  limit: number
  /** Only the imports of this key (null: the bootstrap admin key); undefined: everyone's. */
  keyId?: string | null
  dataset?: string | undefined
  /** The previous page's last (created_at, id). */
  after?: [string, string] | undefined
}

export function createImportsRepository(db: Kysely<DB>) {
  return {
    start: (
      row: Omit<
        ImportsTable,
        | 'rows_read'
        | 'bytes_read'
        | 'counts'
        | 'errors'
        | 'errors_truncated'
        | 'created_at'
        | 'finished_at'
        | 'failure'
        | 'body_sha256'
      >,
      tx: Kysely<DB> = db,
    ) => tx.insertInto('imports').values(row).returningAll().executeTakeFirstOrThrow(),

    finish: (id: string, end: ImportEnd, tx: Kysely<DB> = db) =>
      tx
        .updateTable('imports')
        .set({
          status: end.status,
          counts: end.counts && JSON.stringify(end.counts),
          errors: JSON.stringify(end.errors),
          errors_truncated: end.errorsTruncated,
          body_sha256: end.bodySha256,
          rows_read: end.rowsRead,
          bytes_read: end.bytesRead,
          failure: end.failure ?? null,
          finished_at: sql`now()`,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    findById: (id: string, tx: Kysely<DB> = db) =>
      tx.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst(),

    list: (f: ImportListFilter, tx: Kysely<DB> = db) => {
      let query = tx.selectFrom('imports').selectAll()
      if (f.keyId !== undefined)
        query =
          f.keyId === null
            ? query.where('actor_key_id', 'is', null)
            : query.where('actor_key_id', '=', f.keyId)
      if (f.dataset) query = query.where('dataset', '=', f.dataset as ImportsTable['dataset'])
      if (f.after)
        query = query.where(
          sql<boolean>`(created_at, id) < (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)`,
        )
      return query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.limit + 1)
        .execute()
    },

    /**
     * Imports left `running` by a process that is gone: the runner holds the import's advisory
     * lock for as long as its transaction lives, so a free lock on an import older than a minute
     * means the process ended (crash, restart) and the database rolled its writes back.
     */
    failAbandoned: async (tx: Kysely<DB> = db) => {
      const running = await tx
        .selectFrom('imports')
        .select('id')
        .where('status', 'in', ['running', 'queued'])
        .where('created_at', '<', sql<Date>`now() - interval '1 minute'`)
        .execute()
      let failed = 0
      for (const { id } of running) {
        const ended = await tx.transaction().execute(async (t) => {
          const { rows } = await sql<{
            free: boolean
          }>`select ${tryLockKeyCall('import', id)} as free`.execute(t)
          if (!rows[0]?.free) return false
          const done = await t
            .updateTable('imports')
            .set({
              status: 'failed',
              failure: 'The service stopped while the import ran; nothing was written.',
              finished_at: sql`now()`,
            })
            .where('id', '=', id)
            .where('status', 'in', ['running', 'queued'])
            .executeTakeFirst()
          return Number(done.numUpdatedRows) > 0
        })
        if (ended) failed += 1
      }
      return failed
    },
  }
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>
