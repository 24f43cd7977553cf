// The breaking-change check of the contract: the committed document keeps every promise of the
// last released one, and the check does find each kind of break.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from '@jest/globals'
import { type Document, breakingChanges } from '../src/http/openapi-breaking.js'

const read = async (path: string) =>
  JSON.parse(await readFile(new URL(`../${path}`, import.meta.url), 'utf8')) as Document

describe('the contract against the last released one', () => {
  it('breaks nothing a client of openapi/released/openapi.json relies on', async () => {
    const released = await read('openapi/released/openapi.json')
    expect(breakingChanges(released, await read('openapi/openapi.json'))).toEqual([])
  })

  it('finds a removed path, field or value, and a newly required input', async () => {
    const before = await read('openapi/openapi.json')
    const after = structuredClone(before) as Document & {
      components: {
        schemas: Record<
          string,
          { properties: Record<string, { enum?: unknown[] }>; required?: string[] }
        >
      }
    }
    delete after.paths['/v1/units/{ref}/lineage']
    delete after.components.schemas.Unit!.properties.parentCode
    const kind = after.components.schemas.Unit!.properties.kind!
    kind.enum = kind.enum!.filter((k) => k !== 'hamlet')
    after.paths['/v1/units']!.get!.parameters!.find((p) => p.name === 'limit')!.required = true
    after.components.schemas.CreateMeeting!.required!.push('externalId')
    const changes = breakingChanges(before, after)
    expect(changes).toEqual(
      expect.arrayContaining([
        'GET /v1/units/{ref}/lineage: removed',
        expect.stringMatching(/^GET \/v1\/units\/\{ref\} 200: field parentCode removed$/),
        expect.stringMatching(/^GET \/v1\/units\/\{ref\} 200.kind: value "hamlet" removed$/),
        'GET /v1/units: query parameter limit newly required',
        'POST /v1/meetings body: field externalId newly required',
      ]),
    )
    // A new major version may break.
    after.info.version = `${Number(before.info.version.split('.')[0]) + 1}.0.0`
    expect(breakingChanges(before, after)).toEqual([])
  })
})
