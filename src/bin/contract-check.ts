// npm run contract:breaking: what openapi/openapi.json takes away from clients of the last
// released contract (openapi/released/openapi.json); exit status 1 when anything, unless the
// major version grew. Replace the released copy when a version is released.
import { readFile } from 'node:fs/promises'
import { type Document, breakingChanges } from '../http/openapi-breaking.js'

const read = async (path: string) =>
  JSON.parse(await readFile(new URL(`../../${path}`, import.meta.url), 'utf8')) as Document

const released = await read('openapi/released/openapi.json')
const current = await read('openapi/openapi.json')
const changes = breakingChanges(released, current)
for (const change of changes) console.log(change)
console.log(
  changes.length === 0
    ? `no breaking change since the released contract (${released.info.version} → ${current.info.version})`
    : `${changes.length} breaking changes: make them compatible, or raise the major version`,
)
process.exitCode = changes.length === 0 ? 0 : 1
