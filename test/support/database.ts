// A fresh, migrated database for one test file, on whichever server the run was pointed at.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import {
  type Database,
  type PgliteDatabase,
  openPglite,
  openPostgres,
} from '../../src/db/database.js'
import { adminQuery, databaseUrlFor } from './postgres-admin.js'

export const onServer = Boolean(process.env.TEST_DATABASE_URL)

export async function openTestDatabase(
  options: { queryTimeoutMs?: number; preparedStatements?: boolean } = {},
): Promise<Database & { url?: string }> {
  const serverUrl = process.env.TEST_DATABASE_URL
  if (serverUrl) {
    const name = `antq_test_${process.env.ANTQ_TEST_RUN_ID}_${randomBytes(4).toString('hex')}`
    await adminQuery(
      serverUrl,
      `create database ${name} template ${process.env.ANTQ_TEST_TEMPLATE}`,
    )
    const database = openPostgres(databaseUrlFor(serverUrl, name), {
      poolSize: 4,
      ...(options.queryTimeoutMs ? { queryTimeoutMs: options.queryTimeoutMs } : {}),
      ...(options.preparedStatements === false ? { preparedStatements: false } : {}),
    })
    return {
      ...database,
      url: databaseUrlFor(serverUrl, name),
      close: async () => {
        await database.close()
        await adminQuery(serverUrl, `drop database if exists ${name} with (force)`)
      },
    }
  }
  return openPglite({
    loadDataDir: await readDump(process.env.ANTQ_TEST_PGLITE_DUMP),
    ...(options.preparedStatements === false ? { preparedStatements: false } : {}),
  })
}

/**
 * A dump as PGlite loads it (`loadDataDir` reads a Blob whole through `arrayBuffer()`), read from
 * disk once per test file and handed to each database as a copy of its own. A plain Blob of the
 * bytes would copy them once more and then read them back as a stream, in small chunks (~0.1 s
 * of CPU for each database a test opens).
 */
class DumpBlob extends Blob {
  readonly #bytes: Uint8Array
  constructor(bytes: Uint8Array) {
    super([])
    this.#bytes = bytes
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.#bytes.slice().buffer)
  }
}

const dumps = new Map<string, Promise<Uint8Array>>()

async function readDump(path: string | undefined): Promise<Blob> {
  if (!path) throw new Error('no database dump: run the tests with `npm test` (see jest.config.js)')
  if (!dumps.has(path)) dumps.set(path, readFile(path))
  return new DumpBlob(await dumps.get(path)!)
}

/**
 * An embedded database as a fresh one starts, before any migration (in `dataDir` when given,
 * which must not hold one yet): loaded from a dump made once per run instead of running initdb,
 * which costs seconds.
 */
export async function openUnmigratedPglite(dataDir?: string): Promise<PgliteDatabase> {
  return openPglite({ dataDir, loadDataDir: await readDump(process.env.ANTQ_TEST_PGLITE_EMPTY) })
}

/**
 * Fills `dataDir` (which must not hold a database yet) with a migrated, empty embedded database,
 * for a command run in a child process: it then starts as on a second run, without the initdb
 * and the migrations from nothing (~5 s) that the migration tests already cover.
 */
export async function seedMigratedDataDir(dataDir: string): Promise<void> {
  const database = await openPglite({
    dataDir,
    loadDataDir: await readDump(process.env.ANTQ_TEST_PGLITE_DUMP),
  })
  await database.close()
}

/**
 * Another pool on the same server database (as a second process of the service would have), or
 * undefined on the embedded database, which one process owns.
 */
export function openSecondPool(database: Database): Database | undefined {
  const url = (database as Database & { url?: string }).url
  return url ? openPostgres(url, { poolSize: 4 }) : undefined
}

/**
 * The database without its `close`, for a second app over it (two apps stand for two processes
 * of the service), or for an app whose closing stands for a process that stops.
 */
export const withoutClose = (database: Database): Database => ({
  ...database,
  close: async () => {},
})
