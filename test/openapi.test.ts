import { readFile } from 'node:fs/promises'
import { describe, expect, it } from '@jest/globals'
import { Validator } from '@seriousme/openapi-schema-validator'
import { generateOpenApiJson } from '../src/http/openapi-export.js'

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
})
