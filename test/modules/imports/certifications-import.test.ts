// Bulk import of certifications: the same rules as the PUT, atomic, idempotent, in every format.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'
import { importFile, rowErrors } from '../../support/imports.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '81')
})
afterAll(() => t.close())

const importing = importFile(() => t, 'certifications')
const cert = (ref: string, year: number) => t.admin().get(`/v1/units/${ref}/certifications/${year}`)

describe('POST /v1/imports/certifications', () => {
  it('imports a CSV as Excel writes it (BOM, CRLF, quotes) and reports each record', async () => {
    const csv =
      '\uFEFFunitCode,year,result,decisionNumber,issuedBy,note\r\n' +
      `${d.hamlet.code},2019,certified,"12/QĐ-UBND","UBND xã ""Một""",\r\n` +
      `${d.commune.code},2019,not_certified,,,"dòng 1\r\ndòng 2"\r\n`
    const response = await importing(csv, 'text/csv').expect(200)
    expect(response.body).toMatchObject({
      dataset: 'certifications',
      dryRun: false,
      status: 'succeeded',
      counts: { rows: 2, created: 2, updated: 0, unchanged: 0, rejected: 0 },
      errors: [],
      errorsTruncated: false,
    })
    const hamlet = await cert(d.hamlet.code, 2019).expect(200)
    expect(hamlet.body).toMatchObject({
      result: 'certified',
      decisionNumber: '12/QĐ-UBND',
      issuedBy: 'UBND xã "Một"',
      note: null,
      legalBasis: '23/2012/TT-BCA',
    })
    expect((await cert(d.commune.code, 2019).expect(200)).body.note).toBe('dòng 1\r\ndòng 2')

    const again = await importing(csv, 'text/csv').expect(200)
    expect(again.body.counts).toEqual({
      rows: 2,
      created: 0,
      updated: 0,
      unchanged: 2,
      rejected: 0,
    })
    expect(again.body.bodySha256).toBe(response.body.bodySha256)
  })

  it('audits each record with the import it came from, and the import once', async () => {
    const body = JSON.stringify([{ unitCode: d.agency.code, year: 2020, result: 'certified' }])
    const response = await importing(body, 'application/json').expect(200)
    const shown = await cert(d.agency.code, 2020).expect(200)
    const events = await t
      .admin()
      .get(`/v1/audit-events?entity=certification&entityId=${shown.body.id}`)
      .expect(200)
    expect(events.body.items).toHaveLength(1)
    expect(events.body.items[0]).toMatchObject({ action: 'create', importId: response.body.id })
    expect(events.body.items[0].after).toEqual(shown.body)
    const imports = await t
      .admin()
      .get(`/v1/audit-events?entity=import&entityId=${response.body.id}`)
      .expect(200)
    expect(imports.body.items).toHaveLength(1)
    expect(imports.body.items[0].after).toMatchObject({
      dataset: 'certifications',
      counts: { created: 1 },
      bodySha256: response.body.bodySha256,
    })
  })

  it('updates a changed row, with before and after in its history', async () => {
    const first = `unitCode,year,result\n${d.business.code},2021,certified\n`
    await importing(first, 'text/csv').expect(200)
    const before = await cert(d.business.code, 2021).expect(200)
    const changed = `{"unitCode":"${d.business.code}","year":2021,"result":"not_certified"}\n`
    const response = await importing(changed, 'application/x-ndjson').expect(200)
    expect(response.body.counts).toMatchObject({ updated: 1, created: 0 })
    const after = await cert(d.business.code, 2021).expect(200)
    expect(after.body.result).toBe('not_certified')
    const events = await t
      .admin()
      .get(`/v1/audit-events?entity=certification&entityId=${after.body.id}&action=update`)
      .expect(200)
    expect(events.body.items[0].before).toEqual(before.body)
    expect(events.body.items[0].after).toEqual(after.body)
  })

  it('refuses the whole file when one row breaks a rule, listing every error by row and column', async () => {
    const csv = [
      'unitCode,year,result,legalBasis',
      `${d.school.code},2018,certified,`, // valid
      `${d.province.code},2018,certified,`, // a province is not assessed
      `NO-SUCH,2018,certified,`,
      `${d.school.code},2023,certified,23/2012/TT-BCA`, // not in force in 2023
      `${d.school.code},2018,certified,`, // the same record twice
      `${d.hamlet.code},year,maybe,`,
    ].join('\n')
    const response = await importing(csv, 'text/csv').expect(422)
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(response.body).toMatchObject({
      status: 422,
      code: 'IMPORT_REJECTED',
      counts: { rows: 6, created: 1, rejected: 5 },
      errorsTruncated: false,
    })
    const errors = rowErrors(response.body)
    expect(errors).toEqual([
      [2, '/unitCode', 'INELIGIBLE_UNIT_KIND'],
      [3, '/unitCode', 'UNIT_NOT_FOUND'],
      [4, '/legalBasis', 'LEGAL_BASIS_NOT_IN_FORCE'],
      [5, '/unitCode', 'DUPLICATE_RECORD'],
      [6, '/year', 'TYPE'],
      [6, '/result', 'ENUM'],
    ])
    await cert(d.school.code, 2018).expect(404)
    const shown = await t.admin().get(`/v1/imports/${response.body.id}`).expect(200)
    expect(shown.body).toMatchObject({ status: 'failed', counts: { rejected: 5 } })
  })

  it('writes nothing on a dry run, and reports what a real run would', async () => {
    const csv = `unitCode,year,result\n${d.newHamlet.code},2022,certified\n`
    const dry = await importing(csv, 'text/csv', '?dryRun=true').expect(200)
    expect(dry.body).toMatchObject({ dryRun: true, counts: { created: 1 } })
    await cert(d.newHamlet.code, 2022).expect(404)
    const real = await importing(csv, 'text/csv').expect(200)
    expect(real.body.counts).toEqual(dry.body.counts)
  })

  it('keeps a scoped key inside its subtree', async () => {
    const key = await createKey(t, 'editor', d.otherDistrict.id)
    const csv = `unitCode,year,result\n${d.otherCommune.code},2019,certified\n${d.hamlet.code},2019,certified\n`
    const response = await t
      .http()
      .post('/v1/imports/certifications')
      .set('authorization', `Bearer ${key}`)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(422)
    expect(response.body.errors).toEqual([
      expect.objectContaining({ row: 2, pointer: '/unitCode', code: 'OUT_OF_SCOPE' }),
    ])
    const viewer = await createKey(t, 'viewer')
    await t
      .http()
      .post('/v1/imports/certifications')
      .set('authorization', `Bearer ${viewer}`)
      .set('content-type', 'text/csv')
      .send(csv)
      .expect(403)
  })

  it('answers 400 for a file that cannot be read, and 415 for another media type', async () => {
    const bad = await importing('[{"unitCode": ', 'application/json').expect(400)
    expect(bad.body.code).toBe('MALFORMED_FILE')
    const header = await importing('unitCode,yeer\n1,2\n', 'text/csv').expect(400)
    expect(header.body).toMatchObject({ code: 'INVALID_HEADER' })
    expect(header.body.errors[0]).toMatchObject({ pointer: '/yeer', code: 'UNKNOWN_COLUMN' })
    const quotes = await importing('unitCode,year,result\n"81101,2019,certified\n', 'text/csv')
    expect(quotes.status).toBe(400)
    await importing('x', 'application/xml').expect(415)
  })
})
