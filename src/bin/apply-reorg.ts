// npm run apply:reorg -- <reorg.json> [effective date, default 2025-07-01] [legal basis]
import { readFile } from 'node:fs/promises'
import { createUnitsService } from '../modules/units/units.service.js'
import { type ReorgFile, applyReorganisation } from '../modules/units/units.reorg-import.js'
import { runLoader } from './run-loader.js'

const [
  file,
  effectiveDate = '2025-07-01',
  legalBasis = 'Nghị quyết của UBTVQH về sắp xếp đơn vị hành chính năm 2025',
] = process.argv.slice(2)
if (!file) {
  console.error('usage: npm run apply:reorg -- <reorg.json> [effective-date] [legal-basis]')
  process.exit(2)
}
const mapping = JSON.parse(await readFile(file, 'utf8')) as ReorgFile
await runLoader('apply:reorg', (db, actor) =>
  applyReorganisation(db, createUnitsService(db), mapping, effectiveDate, legalBasis, actor),
)
