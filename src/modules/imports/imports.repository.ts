import { type Insertable, type Kysely, type Selectable, sql } from 'kysely'
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

/**
 * How long after it started a `running` import whose lock nobody holds is taken for abandoned:
 * the runner takes the lock a moment after marking the import running (it may wait for a pooled
 * connection). A runner that finds its import already failed stops (`stillRunning`).
 */
const ABANDONED_AFTER = sql`interval '10 seconds'`
const ABANDONED =
  'The service stopped while the import ran (a crash or a restart); nothing was written. Send the file again.'

export function createImportsRepository(db: Kysely<DB>) {
  return {
    start: (row: Omit<Insertable<ImportsTable>, 'started_at'>, tx: Kysely<DB> = db) =>
      tx
        .insertInto('imports')
        .values({ ...row, started_at: sql`now()` })
        .returningAll()
        .executeTakeFirstOrThrow(),

    /** Ends a job; its stored file (an async import's) goes in the same statement. */
    finish: (id: string, end: ImportEnd, tx: Kysely<DB> = db) =>
      tx
        .with('dropped_file', (q) => q.deleteFrom('import_chunks').where('import_id', '=', id))
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

    /** An uploaded file waits for a runner. */
    queue: (id: string, received: { bodySha256: string; bytesRead: number }, tx: Kysely<DB>) =>
      tx
        .updateTable('imports')
        .set({ status: 'queued', body_sha256: received.bodySha256, bytes_read: received.bytesRead })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    /** How far a running import has read (seen by GET in every process). */
    progress: (id: string, rowsRead: number, bytesRead: number) =>
      db
        .updateTable('imports')
        .set({ rows_read: rowsRead, bytes_read: bytesRead })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute(),

    saveChunk: (id: string, seq: number, data: Buffer, tx: Kysely<DB>) =>
      tx.insertInto('import_chunks').values({ import_id: id, seq, data }).execute(),

    /** The chunks of a queued file, one at a time, in order. */
    async *chunks(id: string, tx: Kysely<DB>): AsyncGenerator<Buffer> {
      for (let seq = 0; ; seq++) {
        const chunk = await tx
          .selectFrom('import_chunks')
          .select('data')
          .where('import_id', '=', id)
          .where('seq', '=', seq)
          .executeTakeFirst()
        if (!chunk) return
        yield chunk.data
      }
    },

    /**
     * Takes the oldest queued import for this process: any number of processes may ask at once,
     * each gets a different one (`skip locked`), or none.
     */
    claimNext: () =>
      db
        .updateTable('imports')
        .set({ status: 'running', started_at: sql`now()` })
        .where(
          'id',
          '=',
          (eb) =>
            eb
              .selectFrom('imports')
              .select('id')
              .where('status', '=', 'queued')
              .orderBy('created_at')
              .limit(1)
              .forUpdate()
              .skipLocked() as never,
        )
        .where('status', '=', 'queued')
        .returningAll()
        .executeTakeFirst(),

    /**
     * Whether the import is still `running`, read by its runner once it holds the import's lock:
     * a sweep fails an import only while holding that lock, so what is read here stays true.
     */
    stillRunning: async (id: string, tx: Kysely<DB>) =>
      (await tx.selectFrom('imports').select('status').where('id', '=', id).executeTakeFirst())
        ?.status === 'running',

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
     * Fails imports left `running` by a process that is gone. A runner holds the import's
     * advisory lock for as long as its transaction lives (and the database rolls its writes back
     * when its connection dies), so a free lock on an import started over ten seconds ago means
     * nobody runs it any more. Returns the ids failed.
     */
    failAbandoned: async (): Promise<string[]> => {
      const running = await db
        .selectFrom('imports')
        .select('id')
        .where('status', '=', 'running')
        .where('started_at', '<', sql<Date>`now() - ${ABANDONED_AFTER}`)
        .execute()
      const failed: string[] = []
      for (const { id } of running) {
        const ended = await db.transaction().execute(async (tx) => {
          const { rows } = await sql<{
            free: boolean
          }>`select ${tryLockKeyCall('import', id)} as free`.execute(tx)
          if (!rows[0]?.free) return false
          const done = await tx
            .updateTable('imports')
            .set({ status: 'failed', failure: ABANDONED, finished_at: sql`now()` })
            .where('id', '=', id)
            .where('status', '=', 'running')
            .executeTakeFirst()
          await tx.deleteFrom('import_chunks').where('import_id', '=', id).execute()
          return Number(done.numUpdatedRows) > 0
        })
        if (ended) failed.push(id)
      }
      return failed
    },
  }
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>
