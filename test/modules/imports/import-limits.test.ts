// IMPORT_BODY_LIMIT_BYTES bounds a file (413, nothing written), read as it arrives; the JSON
// body limit of the other endpoints does not apply to imports.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'
import { importFile } from '../../support/imports.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp({ IMPORT_BODY_LIMIT_BYTES: '20000', BODY_LIMIT_BYTES: '2048' })
  d = await createDistrict(t, '87')
})
afterAll(() => t.close())

const importing = importFile(() => t, 'meetings')
const file = (rows: number) =>
  [
    'externalId,unitCode,format,heldOn,attendees',
    ...Array.from({ length: rows }, (_, i) => `L-${i},${d.hamlet.code},forum,2019-01-01,${i}`),
  ].join('\n')

describe('import size', () => {
  it('takes a file larger than the JSON body limit', async () => {
    const body = file(100)
    expect(body.length).toBeGreaterThan(2048)
    const response = await importing(body).expect(200)
    expect(response.body.counts.created).toBe(100)
  })

  it('refuses a file over IMPORT_BODY_LIMIT_BYTES with 413 and writes nothing', async () => {
    const body = file(1000).replaceAll('L-', 'M-')
    expect(body.length).toBeGreaterThan(20000)
    const response = await importing(body).expect(413)
    expect(response.body.code).toBe('BODY_TOO_LARGE')
    const listed = await t.admin().get('/v1/meetings?externalId=M-1').expect(200)
    expect(listed.body.items).toEqual([])
    const imports = await t.admin().get('/v1/imports').expect(200)
    expect(imports.body.items[0]).toMatchObject({ status: 'failed', counts: null })
  })

  it('refuses a file that is not UTF-8 (declared so, or UTF-16 as Excel writes “Unicode Text”)', async () => {
    const declared = await t
      .admin()
      .post('/v1/imports/meetings')
      .set('content-type', 'text/csv; charset=windows-1258')
      .send(file(1))
      .expect(415)
    expect(declared.body.code).toBe('UNSUPPORTED_ENCODING')
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(file(1).replaceAll('L-', 'U-'), 'utf16le'),
    ])
    const sent = await t
      .admin()
      .post('/v1/imports/meetings')
      .set('content-type', 'text/csv')
      .send(utf16)
      .expect(415)
    expect(sent.body.detail).toMatch(/UTF-16/)
    expect((await t.admin().get('/v1/meetings?externalId=U-0').expect(200)).body.items).toEqual([])
    await importing(file(1).replaceAll('L-', 'V-'), 'text/csv; charset=UTF-8').expect(200)
  })
})
