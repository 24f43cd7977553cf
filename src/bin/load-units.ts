// npm run load:units -- <gso-units.json> [snapshot date, default 2025-03-01]
import { readFile } from 'node:fs/promises'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { type GsoFile, importGsoUnits } from '../modules/units/units.gso-import.js'

const [file, snapshotDate = '2025-03-01'] = process.argv.slice(2)
if (!file) {
  console.error('usage: npm run load:units -- <gso-units.json> [snapshot-date]')
  process.exit(2)
}
const database = await openDatabase(loadConfig())
try {
  await migrateToLatest(database.db)
  const started = performance.now()
  const report = await importGsoUnits(
    database.db,
    JSON.parse(await readFile(file, 'utf8')) as GsoFile,
    snapshotDate,
    { keyId: null, name: 'load:units', requestId: null },
  )
  console.log(
    JSON.stringify(
      { ...report, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) },
      null,
      2,
    ),
  )
} finally {
  await database.close()
}
