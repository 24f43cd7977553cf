// npm run migrate: applies pending migrations to the configured database and exits.
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'

const database = await openDatabase(loadConfig())
try {
  const { results } = await migrateToLatest(database.db)
  if (!results?.length) console.log('already up to date')
  for (const r of results ?? []) console.log(`${r.status.padEnd(8)} ${r.migrationName}`)
} finally {
  await database.close()
}
