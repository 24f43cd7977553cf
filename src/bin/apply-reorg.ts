// npm run apply:reorg -- <reorg.json> [effective date, default 2025-07-01] [legal basis]
import { readFile } from 'node:fs/promises'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { createUnitsService } from '../modules/units/units.service.js'
import { type ReorgFile, applyReorganisation } from '../modules/units/units.reorg-import.js'

const [
  file,
  effectiveDate = '2025-07-01',
  legalBasis = 'Nghị quyết của UBTVQH về sắp xếp đơn vị hành chính năm 2025',
] = process.argv.slice(2)
if (!file) {
  console.error('usage: npm run apply:reorg -- <reorg.json> [effective-date] [legal-basis]')
  process.exit(2)
}
const database = await openDatabase(loadConfig())
try {
  await migrateToLatest(database.db)
  const started = performance.now()
  const report = await applyReorganisation(
    database.db,
    createUnitsService(database.db),
    JSON.parse(await readFile(file, 'utf8')) as ReorgFile,
    effectiveDate,
    legalBasis,
    {
      keyId: null,
      name: 'apply:reorg',
      requestId: null,
    },
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
