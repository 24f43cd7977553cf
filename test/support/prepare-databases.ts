// Run once per test run by global-setup.js (through tsx, as Jest's global setup cannot load the
// app's TypeScript): migrates one database that every test file then copies, and prints where.
// - PostgreSQL (TEST_DATABASE_URL set): a template database; each file clones it (CREATE DATABASE … TEMPLATE).
// - Embedded PGlite (default): a dump of a migrated database; each file loads it (~0.5 s).
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openPglite, openPostgres } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { adminQuery, databaseUrlFor } from './postgres-admin.js'

const runId = process.argv[2] ?? 'local'
const serverUrl = process.env.TEST_DATABASE_URL
if (serverUrl) {
  const template = `antq_test_${runId}_template`
  await adminQuery(serverUrl, `create database ${template}`)
  const database = openPostgres(databaseUrlFor(serverUrl, template), { poolSize: 1 })
  await migrateToLatest(database.db)
  await database.close()
  console.log(JSON.stringify({ ANTQ_TEST_TEMPLATE: template }))
} else {
  const database = await openPglite()
  await migrateToLatest(database.db)
  const dumpPath = join(tmpdir(), `antq-test-${runId}.tar.gz`)
  await writeFile(dumpPath, Buffer.from(await (await database.dump()).arrayBuffer()))
  await database.close()
  console.log(JSON.stringify({ ANTQ_TEST_PGLITE_DUMP: dumpPath }))
}
