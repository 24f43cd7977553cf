// npm run migrations:checksums: adds the checksum of each new migration file to
// migrations/checksums.json. It never rewrites a committed one: a landed migration that differs
// from its checksum is an edit to undo, and a new migration is the way to change the schema.
import { writeFile } from 'node:fs/promises'
import { CHECKSUMS_FILE, committedChecksums, currentChecksums } from '../db/migration-checksums.js'

const committed: Record<string, string> = await committedChecksums().catch(() => ({}))
const current = await currentChecksums()
const edited = Object.keys(committed).filter((f) => current[f] !== committed[f])
const added = Object.keys(current).filter((f) => !(f in committed))
const next: Record<string, string> = { ...committed }
for (const file of added) next[file] = current[file]!
await writeFile(CHECKSUMS_FILE, `${JSON.stringify(next, null, 2)}\n`)
for (const file of added) console.log(`added ${file}`)
for (const file of edited) {
  console.error(
    current[file] === undefined
      ? `${file} has landed and was removed: restore it`
      : `${file} has landed and was edited: restore it and write a new migration instead`,
  )
}
process.exitCode = edited.length > 0 ? 1 : 0
