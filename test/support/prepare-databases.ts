// Run by global-setup.js (through tsx, as Jest's global setup cannot load the app's TypeScript):
// makes the migrated databases every test file then copies.
// - Embedded PGlite: dumps (plain tarballs: gzip would cost every file ~0.3 s) into the folder
//   named on the command line, of a database as initdb leaves it (`empty.tar`, for the tests of an
//   unmigrated database and of the embedded database's folder) and migrated (`migrated.tar`, which
//   each test file loads). global-setup.js keeps them between runs while the migrations stay the same.
//   Each file loads its dump whole, so they are kept small (16 MB where initdb leaves 41): WAL in
//   segments of 1 MB instead of 16 (mostly zeros), and the migrated one without the template
//   databases, which nothing creates a database from (15 MB).
// - PostgreSQL (TEST_DATABASE_URL set): also a migrated template database for this run; each
//   file clones it (CREATE DATABASE … TEMPLATE). Prints its name.
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { sql } from 'kysely'
import { openPglite, openPostgres, type PgliteDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrator.js'
import { adminQuery, databaseUrlFor } from './postgres-admin.js'

const [runId = 'local', folder = 'dumps'] = process.argv.slice(2)
const serverUrl = process.env.TEST_DATABASE_URL

async function writeDump(database: PgliteDatabase, name: string) {
  await writeFile(
    join(folder, name),
    gunzipSync(Buffer.from(await (await database.dump()).arrayBuffer())),
  )
}

const output: Record<string, string> = {}
if (!existsSync(join(folder, 'migrated.tar'))) {
  await mkdir(folder, { recursive: true })
  const embedded = await openPglite({ initdbArgs: ['--wal-segsize=1'] })
  await writeDump(embedded, 'empty.tar')
  await migrateToLatest(embedded.db)
  await sql`update pg_database set datistemplate = false where datname like 'template_'`.execute(
    embedded.db,
  )
  await sql`drop database template0`.execute(embedded.db)
  await sql`drop database template1`.execute(embedded.db)
  await writeDump(embedded, 'migrated.tar')
  await embedded.close()
}
if (serverUrl) {
  const template = `antq_test_${runId}_template`
  await adminQuery(serverUrl, `create database ${template}`)
  const database = openPostgres(databaseUrlFor(serverUrl, template), { poolSize: 1 })
  await migrateToLatest(database.db)
  await database.close()
  output.ANTQ_TEST_TEMPLATE = template
}
console.log(JSON.stringify(output))
