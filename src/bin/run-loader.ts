// What the loaders share: the configured database, migrated; the load, as the audit's actor
// `name`; its report printed as JSON with the seconds it took; the database closed.
import type { Kysely } from 'kysely'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import type { DB } from '../db/schema.js'
import type { Actor } from '../modules/audit/index.js'

export async function runLoader(
  name: string,
  load: (db: Kysely<DB>, actor: Actor) => Promise<object>,
): Promise<void> {
  const database = await openDatabase(loadConfig())
  try {
    await migrateToLatest(database.db)
    const started = performance.now()
    const report = await load(database.db, { keyId: null, name, requestId: null })
    const seconds = Number(((performance.now() - started) / 1000).toFixed(2))
    console.log(JSON.stringify({ ...report, seconds }, null, 2))
  } finally {
    await database.close()
  }
}
