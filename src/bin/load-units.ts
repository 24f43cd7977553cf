// npm run load:units -- <gso-units.json> [snapshot date, default 2025-03-01]
import { readFile } from 'node:fs/promises'
import { type GsoFile, importGsoUnits } from '../modules/units/units.gso-import.js'
import { runLoader } from './run-loader.js'

const [file, snapshotDate = '2025-03-01'] = process.argv.slice(2)
if (!file) {
  console.error('usage: npm run load:units -- <gso-units.json> [snapshot-date]')
  process.exit(2)
}
const units = JSON.parse(await readFile(file, 'utf8')) as GsoFile
await runLoader('load:units', (db, actor) => importGsoUnits(db, units, snapshotDate, actor))
