// One Kysely instance over either a PostgreSQL server (pg pool) or the embedded PGlite, which
// speaks to Kysely through PGlite's own node-postgres adapter so both return the same types.
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist'
import { ltree } from '@electric-sql/pglite/contrib/ltree'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { createPgConfig } from '@electric-sql/pglite/node-postgres'
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely'
import pg from 'pg'
import type { Config } from '../config.js'
import { lockDataDir } from './data-dir-lock.js'
import { listenOnPostgres, type Unlisten } from './notifications.js'
import { preparingPool } from './prepared-statements.js'
import type { DB } from './schema.js'

// Dates stay 'YYYY-MM-DD' strings (a JS Date would shift them by the time zone); counts are
// numbers. Both drivers go through pg's parsers, so this holds on both.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10))

export type DatabaseKind = 'postgres' | 'pglite' | 'none'

export interface Database {
  readonly db: Kysely<DB>
  readonly kind: DatabaseKind
  /** Calls `onNotify` on every NOTIFY on `channel` (from any process of the database). */
  listen(channel: string, onNotify: () => void): Promise<Unlisten>
  close(): Promise<void>
}

/** `close` made safe to call twice (the app closes its database, and so may its owner). */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined
  return () => (closing ??= close())
}

export const PGLITE_EXTENSIONS = { unaccent, pg_trgm, btree_gist, ltree }

// PostgreSQL's default random_page_cost (4) assumes spinning disks; with it the planner answers a
// province report by hashing a whole year of records instead of looking up the province's units by
// index (largest province: 120 ms against 69 ms). Sessions use the usual SSD value unless the
// connection string sets its own `options`.
export interface PostgresOptions {
  poolSize?: number
  queryTimeoutMs?: number
  /** Name frequent statements so that the server keeps them parsed and planned. */
  preparedStatements?: boolean
}

export function openPostgres(
  connectionString: string,
  { poolSize = 10, queryTimeoutMs = 5000, preparedStatements = true }: PostgresOptions = {},
): Database {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    // The server cancels a statement that runs (or waits on a lock) too long, and the client
    // gives up on a server that does not answer at all (stopped, cut off from the network).
    statement_timeout: queryTimeoutMs,
    query_timeout: queryTimeoutMs + 1000,
    ...(connectionString.includes('options=') ? {} : { options: '-c random_page_cost=1.1' }),
  })
  // A client losing its server must not crash the process, idle in the pool or checked out
  // between two statements (a background job's, say); the next query on it reports the loss.
  pool.on('error', () => undefined)
  pool.on('connect', (client) => client.on('error', () => undefined))
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: preparedStatements ? preparingPool(pool) : pool }),
  })
  return {
    db,
    kind: 'postgres',
    listen: (channel, onNotify) => listenOnPostgres(connectionString, channel, onNotify),
    close: once(() => db.destroy()),
  }
}

export interface PgliteOptions {
  /** A folder, or undefined for an in-memory database. */
  dataDir?: string | undefined
  /** A dump (`dumpDataDir`) to start from: how tests get a migrated database quickly. */
  loadDataDir?: Blob | undefined
  /** Name frequent statements so that the database keeps them parsed and planned. */
  preparedStatements?: boolean
  /** More arguments for initdb, when the database is a new one. */
  initdbArgs?: string[] | undefined
}

export interface PgliteDatabase extends Database {
  /** A gzipped tarball of the data folder, which `loadDataDir` accepts. */
  dump(): Promise<Blob>
}

export async function openPglite(options: PgliteOptions = {}): Promise<PgliteDatabase> {
  const release = options.dataDir ? lockDataDir(options.dataDir) : () => undefined
  try {
    const pglite = await PGlite.create({
      ...(options.dataDir ? { dataDir: join(options.dataDir, 'pgdata') } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      ...(options.initdbArgs ? { initDbStartParams: options.initdbArgs } : {}),
      extensions: PGLITE_EXTENSIONS,
    })
    const pool = new pg.Pool(createPgConfig(pglite))
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({
        pool: options.preparedStatements === false ? pool : preparingPool(pool),
      }),
    })
    return {
      db,
      kind: 'pglite',
      listen: async (channel, onNotify) => {
        const unlisten = await pglite.listen(channel, onNotify)
        return () => unlisten()
      },
      dump: () => pglite.dumpDataDir('gzip'),
      close: once(async () => {
        await db.destroy()
        await pglite.close()
        release()
      }),
    }
  } catch (error) {
    release()
    throw error
  }
}

/** A database that compiles queries but never runs them: enough to build the app for its OpenAPI document. */
export function openNoDatabase(): Database {
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  })
  return {
    db,
    kind: 'none',
    listen: () => Promise.resolve(() => Promise.resolve()),
    close: () => db.destroy(),
  }
}

export function openDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl)
    return Promise.resolve(
      openPostgres(config.databaseUrl, {
        poolSize: config.databasePoolSize,
        queryTimeoutMs: config.databaseQueryTimeoutMs,
        preparedStatements: config.databasePreparedStatements,
      }),
    )
  return openPglite({
    dataDir: config.dataDir === 'memory' ? undefined : config.dataDir,
    preparedStatements: config.databasePreparedStatements,
  })
}
