// Problem texts in Vietnamese for `Accept-Language: vi`: every code the service can answer with
// has its Vietnamese text; English stays the default; `code` never changes; Content-Language says
// which language the texts are in.
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { VI_DETAILS, VI_TITLES } from '../../src/http/messages.vi.js'
import { createTestApp, type TestApp } from '../support/app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

/** Every UPPER_SNAKE string in the service's sources: the codes it answers with, and others. */
async function codesInSources(): Promise<Set<string>> {
  const root = new URL('../../src/', import.meta.url).pathname
  const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'))
  const codes = new Set<string>()
  for (const file of files) {
    if (/^(bin|demo)\/|config\.ts$|startup-errors\.ts$/.test(file)) continue // not answers
    const text = await readFile(join(root, file), 'utf8')
    for (const match of text.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)) codes.add(match[1]!)
  }
  return codes
}

/** Not problem codes: system error names the handler maps, and one setting's name. */
const NOT_CODES = new Set([
  'EAI_AGAIN',
  'ERR_HTTP_REQUEST_TIMEOUT',
  'HPE_HEADER_OVERFLOW',
  'ADMIN_API_KEY',
])

describe('problem texts', () => {
  it('has a Vietnamese text for every code in the sources, and a title for every status', async () => {
    // Single-word codes the pattern above does not see.
    const codes = [...(await codesInSources()), 'UNAUTHORIZED', 'FORBIDDEN']
    const missing = codes.filter((c) => !NOT_CODES.has(c) && !VI_DETAILS[c])
    expect(missing).toEqual([])
    for (const status of [400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429, 500, 503])
      expect(VI_TITLES[status]).toMatch(/\S/)
  })

  it('answers in Vietnamese for vi and vi-VN, in English by default or when English is preferred', async () => {
    const ask = (language?: string) =>
      t
        .http()
        .get('/v1/units/NO-SUCH')
        .set('authorization', 'Bearer test-admin-key-0123456789')
        .set(language ? { 'accept-language': language } : {})
        .expect(404)
    const english = await ask()
    expect(english.headers['content-language']).toBe('en')
    expect(english.body).toMatchObject({ title: 'Not found', code: 'UNIT_NOT_FOUND' })
    for (const language of ['vi', 'vi-VN', 'vi-VN,vi;q=0.9,en;q=0.5', 'en;q=0.3, vi;q=0.8']) {
      const vietnamese = await ask(language)
      expect(vietnamese.headers['content-language']).toBe('vi')
      expect(vietnamese.body).toMatchObject({
        title: 'Không tìm thấy',
        code: 'UNIT_NOT_FOUND',
        detail: VI_DETAILS.UNIT_NOT_FOUND,
      })
    }
    expect((await ask('en-US,vi;q=0.5')).headers['content-language']).toBe('en')
    expect((await ask('fr')).headers['content-language']).toBe('en')
  })

  it('translates field errors too, keeping their codes and pointers', async () => {
    const response = await t
      .admin()
      .post('/v1/units')
      .set('accept-language', 'vi')
      .send({ code: '1', kind: 'galaxy' })
      .expect(400)
    expect(response.body.title).toBe('Yêu cầu không hợp lệ')
    expect(response.body.detail).toBe(VI_DETAILS.VALIDATION_FAILED)
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          pointer: '/name',
          code: 'REQUIRED',
          detail: 'là trường bắt buộc',
        }),
        expect.objectContaining({ pointer: '/kind', code: 'ENUM' }),
      ]),
    )
  })
})
