// Writes test/support/durations.json (see sequencer.js) from a run's `jest --json` output.
import { readFileSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { URL } from 'node:url'

const root = new URL('../..', import.meta.url).pathname
const report = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const durations = Object.fromEntries(
  report.testResults
    .map((r) => [relative(root, r.name), Math.round((r.endTime - r.startTime) / 100) / 10])
    .sort(([, a], [, b]) => b - a),
)
writeFileSync(
  new URL('./durations.json', import.meta.url),
  `${JSON.stringify(durations, null, 2)}\n`,
)
