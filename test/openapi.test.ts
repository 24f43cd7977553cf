import { readFile } from 'node:fs/promises'
import { describe, expect, it } from '@jest/globals'
import { Validator } from '@seriousme/openapi-schema-validator'
import { generateOpenApiJson } from '../src/openapi-export.js'

const committedPath = new URL('../openapi/openapi.json', import.meta.url)

describe('openapi/openapi.json', () => {
  it('is exactly what the code generates (run `npm run openapi` after changing a route)', async () => {
    const committed = await readFile(committedPath, 'utf8')
    expect(committed).toBe(await generateOpenApiJson())
  })

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator()
    const result = await validator.validate(
      JSON.parse(await readFile(committedPath, 'utf8')) as Record<string, unknown>,
    )
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
  })

  it('gives every operation an operationId, tags, a summary and its error responses', async () => {
    const doc = JSON.parse(await readFile(committedPath, 'utf8')) as {
      paths: Record<
        string,
        Record<
          string,
          {
            operationId?: string
            tags?: string[]
            summary?: string
            responses: Record<string, unknown>
            security?: unknown[]
          }
        >
      >
    }
    const ids = new Set<string>()
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`
        expect({
          where,
          operationId: typeof operation.operationId,
          tags: operation.tags?.length,
          summary: typeof operation.summary,
        }).toEqual({ where, operationId: 'string', tags: 1, summary: 'string' })
        expect(ids.has(operation.operationId!)).toBe(false)
        ids.add(operation.operationId!)
        if (path.startsWith('/v1/')) {
          expect({ where, codes: Object.keys(operation.responses) }).toEqual({
            where,
            codes: expect.arrayContaining(['400', '401', '403']),
          })
        }
      }
    }
  })

  it('names every titled schema as a component and refers to it, never inlines it', async () => {
    const doc = JSON.parse(await readFile(committedPath, 'utf8')) as {
      paths: Record<string, unknown>
      components: { schemas: Record<string, unknown> }
    }
    const inlined: string[] = []
    const refs = new Set<string>()
    const walk = (node: unknown, where: string) => {
      if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${where}/${i}`))
      if (typeof node !== 'object' || node === null) return
      const record = node as Record<string, unknown>
      if (typeof record.title === 'string' && /^[A-Za-z]+$/.test(record.title)) inlined.push(where)
      if (typeof record.$ref === 'string') refs.add(record.$ref)
      for (const [key, value] of Object.entries(record)) walk(value, `${where}/${key}`)
    }
    walk(doc.paths, '#/paths')
    expect(inlined).toEqual([])
    for (const name of [
      'Unit',
      'UnitPage',
      'Certification',
      'Meeting',
      'ReeducationCount',
      'Import',
    ])
      expect(refs).toContain(`#/components/schemas/${name}`)
    expect(Object.keys(doc.components.schemas).length).toBeGreaterThanOrEqual(40)
    // Each reference names a component that exists.
    for (const ref of refs)
      expect(doc.components.schemas[ref.replace('#/components/schemas/', '')]).toBeDefined()
  })

  it('marks parameters and body fields with a default optional', async () => {
    const doc = JSON.parse(await readFile(committedPath, 'utf8')) as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: {
              in: string
              name: string
              required?: boolean
              schema?: { default?: unknown }
            }[]
          }
        >
      >
      components: { schemas: Record<string, { required?: string[] }> }
    }
    const required = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        (operation.parameters ?? [])
          .filter((p) => p.in !== 'path' && p.required && p.schema?.default !== undefined)
          .map((p) => `${method} ${path} ${p.name}`),
      ),
    )
    expect(required).toEqual([])
    const listUnits = doc.paths['/v1/units']!.get!.parameters!
    expect(listUnits.find((p) => p.name === 'limit')).toMatchObject({ required: false })
    expect(doc.components.schemas.UnitChange!.required).not.toContain('children')
  })
})
