// Exports: the import's columns, only what the key may see, and an export imported back changes
// nothing — for every dataset and format.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'
import { parse } from 'csv-parse/sync'
import { importFile } from '../../support/imports.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '85')
  const csv = (dataset: string, rows: string[]) =>
    importFile(() => t, dataset)(rows.join('\n')).expect(200)
  await csv('certifications', [
    'unitCode,year,result,decisionNumber,decisionDate,issuedBy,movementRating,note',
    `${d.hamlet.code},2019,certified,"1/QĐ, ""đặc biệt""",2019-12-20,UBND xã,good,"hai
dòng"`,
    `${d.agency.code},2019,not_certified,,,,,`,
    `${d.otherCommune.code},2019,certified,,,,,`,
    `${d.hamlet.code},2020,certified,,,,,`,
  ])
  await csv('meetings', [
    'externalId,unitCode,format,heldOn,attendees,formsDistributed,tipsReceived,note',
    `X-1,${d.hamlet.code},forum,2019-03-01,50,40,2,`,
    `X-2,${d.commune.code},consultation,2019-04-01,20,,,Ghi chú`,
    `X-3,${d.otherCommune.code},forum,2020-04-01,30,,,`,
  ])
  await csv('reeducation', [
    'unitCode,period,reEducated,reformed,underManagement,byCategory,byOrganisation',
    `${d.commune.code},2019,4,2,1,"{""theft"":1,""drugs"":3}","{""commune_police"":4}"`,
    `${d.commune.code},2019Q2,1,0,0,,`,
    `${d.otherCommune.code},2019,2,1,0,,`,
  ])
})
afterAll(() => t.close())

const exporting = (dataset: string, query: string, key?: string) =>
  t
    .http()
    .get(`/v1/exports/${dataset}${query}`)
    .set('authorization', `Bearer ${key ?? 'test-admin-key-0123456789'}`)
    .buffer(true)
    .parse((response, done) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.on('end', () => done(null, text))
    })

describe('GET /v1/exports/{dataset}', () => {
  it('writes CSV for Excel: BOM, CRLF, quoted cells, the import’s header', async () => {
    const response = await exporting(
      'certifications',
      `?year=2019&under=${d.district.code}`,
    ).expect(200)
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="certifications.csv"',
    )
    const text = response.body as string
    expect(
      text.startsWith(
        '\uFEFFunitCode,year,result,legalBasis,decisionNumber,decisionDate,issuedBy,movementRating,note\r\n',
      ),
    ).toBe(true)
    expect(text).toContain(
      `${d.hamlet.code},2019,certified,23/2012/TT-BCA,"1/QĐ, ""đặc biệt""",2019-12-20,UBND xã,good,"hai\ndòng"\r\n`,
    )
    expect(text).toContain(`${d.agency.code},2019,not_certified,23/2012/TT-BCA,,,,,\r\n`)
    expect(text).not.toContain(d.otherCommune.code) // another district
    expect(text).not.toContain(',2020,') // another year
  })

  it.each([
    ['units', '', 'csv'],
    ['units', '', 'json'],
    ['certifications', '', 'csv'],
    ['certifications', '?year=2019', 'ndjson'],
    ['meetings', '?from=2019-01-01&to=2019-12-31', 'json'],
    ['meetings', '', 'csv'],
    ['reeducation', '?period=2019', 'ndjson'],
    ['reeducation', '', 'csv'],
  ])('imports an export of %s%s (%s) back unchanged', async (dataset, query, format) => {
    const sep = query ? '&' : '?'
    const under = `${sep}under=${d.province.code}`
    const response = await exporting(dataset, `${query}${under}&format=${format}`).expect(200)
    const type = { csv: 'text/csv', ndjson: 'application/x-ndjson', json: 'application/json' }[
      format
    ]!
    const rows =
      format === 'json'
        ? JSON.parse(response.body).length
        : format === 'csv'
          ? parse(response.body as string, { bom: true, columns: true }).length
          : (response.body as string).trim().split('\n').length
    expect(rows).toBeGreaterThan(0)
    const back = await importFile(() => t, dataset)(response.body, type).expect(200)
    expect(back.body.counts).toEqual({ rows, created: 0, updated: 0, unchanged: rows, rejected: 0 })
  })

  it('shows a scoped key only its subtree, and refuses filters that do not apply', async () => {
    const key = await createKey(t, 'viewer', d.otherDistrict.id)
    const mine = await exporting('certifications', '?format=json', key).expect(200)
    expect(JSON.parse(mine.body).map((r: { unitCode: string }) => r.unitCode)).toEqual([
      d.otherCommune.code,
    ])
    await exporting('certifications', `?under=${d.district.code}`, key).expect(404)
    const wrong = await exporting('meetings', '?year=2019').expect(400)
    expect(JSON.parse(wrong.body).code).toBe('INVALID_FILTER')
  })

  it('pages through more rows than one read holds', async () => {
    const rows = ['externalId,unitCode,format,heldOn,attendees']
    for (let i = 0; i < 5200; i++) rows.push(`P-${i},${d.hamlet.code},forum,2018-01-01,${i % 90}`)
    await importFile(() => t, 'meetings')(rows.join('\n')).expect(200)
    const response = await exporting(
      'meetings',
      '?from=2018-01-01&to=2018-01-01&format=ndjson',
    ).expect(200)
    const lines = (response.body as string)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toHaveLength(5200)
    expect(new Set(lines.map((l) => l.externalId)).size).toBe(5200)
  })
})
