// The order test files start in: the longest first, so that neither worker is left with a long
// file at the end while the other has nothing to do. Jest's own order does that only with the
// durations of a previous run in its cache; a fresh clone (or a cleared cache) would start with
// the largest files, which are not the slowest. Durations of a previous run win when Jest has
// them; otherwise the figures of test/support/durations.json (seconds of a whole run on three
// workers; refresh them with `node test/support/durations.js <jest --json output>` when they
// drift); a file in neither runs last, by size, as Jest would.
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { URL } from 'node:url'
import jestSequencer from '@jest/test-sequencer'

const root = new URL('../..', import.meta.url).pathname
const known = JSON.parse(readFileSync(new URL('./durations.json', import.meta.url), 'utf8'))
const Sequencer = jestSequencer.default ?? jestSequencer

export default class SlowestFirst extends Sequencer {
  time(test) {
    const cached = super.time(test)
    if (cached != null) return cached
    const seconds = known[relative(root, test.path)]
    return seconds == null ? undefined : seconds * 1000
  }
}
