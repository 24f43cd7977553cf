// Chợ Mới's 2018 records sent as files (bulk imports) give the same report, figure for figure, as
// the same records entered one by one — and the article's figures. The files are what the
// one-by-one recorder (src/demo) would send, captured instead of sent.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Send } from '../../src/demo/cho-moi-2018.js'
import { recordChoMoi2018 as recordThrough } from '../../src/demo/cho-moi-2018.js'
import { createTestApp, type TestApp } from '../support/app.js'
import { ARTICLE_2018, adminSend, loadChoMoiUnits, recordChoMoi2018 } from '../support/cho-moi.js'
import { importFile } from '../support/imports.js'

let oneByOne: TestApp
let imported: TestApp
const files: Record<string, object[]> = {
  units: [],
  certifications: [],
  meetings: [],
  reeducation: [],
}

/** Reads pass through to the app; writes become rows of the import files. */
const capture =
  (t: TestApp): Send =>
  async (method, url, body) => {
    if (method === 'GET') return adminSend(t)(method, url, body)
    const record = { ...(body as Record<string, unknown>) }
    const path = url.split('?')[0]!.split('/')
    if (url === '/v1/units') files.units!.push(record)
    else if (url === '/v1/meetings') {
      const { unitRef, ...rest } = record
      files.meetings!.push({ unitCode: unitRef, ...rest })
    } else if (path[4] === 'certifications')
      files.certifications!.push({ unitCode: path[3], year: Number(path[5]), ...record })
    else if (path[4] === 'reeducation')
      files.reeducation!.push({ unitCode: path[3], period: path[5], ...record })
    else throw new Error(`not captured: ${method} ${url}`)
    return { status: 201, body: {} }
  }

beforeAll(async () => {
  ;[oneByOne, imported] = await Promise.all([createTestApp(), createTestApp()])
  await Promise.all([loadChoMoiUnits(oneByOne), loadChoMoiUnits(imported)])
  await recordChoMoi2018(oneByOne)
  await recordThrough(capture(imported))
  // Units first (the records name them); JSON for some files, NDJSON for the others.
  for (const [dataset, rows] of Object.entries(files)) {
    const ndjson = dataset === 'meetings' || dataset === 'reeducation'
    const body = ndjson ? rows.map((r) => JSON.stringify(r)).join('\n') : JSON.stringify(rows)
    const response = await importFile(() => imported, dataset)(
      body,
      ndjson ? 'application/x-ndjson' : 'application/json',
    )
    if (response.status !== 200) throw new Error(`${dataset}: ${JSON.stringify(response.body)}`)
  }
})
afterAll(() => Promise.all([oneByOne?.close(), imported?.close()]))

describe('Chợ Mới 2018 imported as files', () => {
  it('sent every kind of record', () => {
    expect(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.length]))).toEqual({
      units: 293,
      certifications: 311,
      meetings: ARTICLE_2018.forums + ARTICLE_2018.consultations,
      reeducation: 44,
    })
  })

  it.each([
    'unit=893&year=2018',
    'unit=893&year=2018&groupBy=child',
    'unit=89&year=2018',
    'unit=893&year=2019',
  ])('reports %s exactly as the records entered one by one', async (query) => {
    const report = (t: TestApp) => t.admin().get(`/v1/reports/summary?${query}`).expect(200)
    const [a, b] = await Promise.all([report(oneByOne), report(imported)])
    const strip = (body: Record<string, unknown>) =>
      JSON.parse(
        JSON.stringify(body, (k, v) => (k === 'id' || k === 'generatedAt' ? undefined : v)),
      )
    expect(strip(b.body)).toEqual(strip(a.body))
  })

  it('gives the article’s figures', async () => {
    const report = (
      await imported.admin().get('/v1/reports/summary?unit=893&year=2018').expect(200)
    ).body
    expect(report.certifications.communeLevel).toMatchObject(ARTICLE_2018.communeLevel)
    expect(report.meetings.forums).toBe(ARTICLE_2018.forums)
  })
})
