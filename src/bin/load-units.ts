// npm run load:units [-- <gso-units.json[.gz]> [snapshot date, default 2025-03-01]]
// Without a file: the bundled national list of 2025-03-01 (reference-data/).
import { BUNDLED, importGsoUnits, readGsoFile } from '../modules/units/index.js'
import { printReport, runCommand } from './cli.js'

const [file, snapshotDate = BUNDLED.units.snapshotDate] = process.argv.slice(2)
await runCommand(
  'load:units',
  async (db, { actor }, units) => {
    const started = performance.now()
    printReport(await importGsoUnits(db, units, snapshotDate, actor), started)
  },
  () => readGsoFile(file ?? BUNDLED.units.file),
)
