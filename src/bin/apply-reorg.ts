// npm run apply:reorg [-- <reorg.json[.gz]> [effective date, default 2025-07-01] [legal basis]]
// Without a file: the bundled mapping of the 2025-07-01 reorganisation (reference-data/).
import {
  BUNDLED,
  applyReorganisation,
  createUnitsService,
  readReorgFile,
} from '../modules/units/index.js'
import { printReport, progressLine, runCommand } from './cli.js'

const [
  file,
  effectiveDate = BUNDLED.reorganisation.effectiveDate,
  legalBasis = 'Nghị quyết của UBTVQH về sắp xếp đơn vị hành chính năm 2025',
] = process.argv.slice(2)
await runCommand(
  'apply:reorg',
  async (db, { actor }, mapping) => {
    const started = performance.now()
    const progress = progressLine('apply:reorg')
    const report = await applyReorganisation(
      db,
      createUnitsService(db),
      mapping,
      effectiveDate,
      legalBasis,
      actor,
      progress.update,
    )
    progress.done()
    printReport(report, started)
  },
  () => readReorgFile(file ?? BUNDLED.reorganisation.file),
)
