// The loaders over real data: the official list and the 2025 reorganisation, for the provinces
// that became today's An Giang (89 and 91), read from the bundled reference files.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  type GsoFile,
  type ReorgFile,
  applyReorganisation,
  createUnitsService,
  importGsoUnits,
  readGsoFile,
  readReorgFile,
} from '../../../src/modules/units/index.js'
import { createTestApp, type TestApp } from '../../support/app.js'

const actor = { keyId: null, name: 'test', requestId: null }

let t: TestApp
let gso: GsoFile
let reorg: ReorgFile
beforeAll(async () => {
  t = await createTestApp()
  gso = await readGsoFile()
  reorg = await readReorgFile()
  gso = { ...gso, data: gso.data.filter((p) => ['89', '91'].includes(p.level1_id)) }
  reorg = { ...reorg, data: reorg.data.filter((p) => p.level1_id === '91') }
})
afterAll(() => t.close())

describe('loading the official list', () => {
  it('creates provinces, districts and communes with their kinds, then changes nothing the second time', async () => {
    const broken = {
      data: [
        ...(gso.data as never[]),
        { level1_id: '00', name: 'Tỉnh Lạ', type: 'Vương quốc', level2s: [] },
      ],
    }
    const first = await importGsoUnits(t.database.db, broken, '2025-03-01', actor)
    expect(first.rejected).toEqual([
      { code: '00', name: 'Tỉnh Lạ', reason: expect.stringContaining('Vương quốc') },
    ])
    const second = await importGsoUnits(t.database.db, gso, '2025-03-01', actor)
    expect(second).toEqual({ created: 0, unchanged: first.created, rejected: [] })
    const district = await t
      .admin()
      .get('/v1/units/893/children?limit=100&asOf=2025-03-01')
      .expect(200)
    expect(district.body.items).toHaveLength(18)
    expect((await t.admin().get('/v1/units/30673?asOf=2025-03-01').expect(200)).body.kind).toBe(
      'town',
    )
  })
})

describe('applying the 2025 reorganisation', () => {
  it('closes the old units, opens the new An Giang under code 91 with its communes, idempotently', async () => {
    const units = createUnitsService(t.database.db)
    const first = await applyReorganisation(
      t.database.db,
      units,
      reorg,
      '2025-07-01',
      'NQ 1654/NQ-UBTVQH15',
      actor,
    )
    expect(first.rejected).toEqual([])
    const communes = (reorg.data[0] as unknown as { level2s: unknown[] }).level2s.length
    expect(first.applied).toBe(1 + communes)
    const second = await applyReorganisation(
      t.database.db,
      units,
      reorg,
      '2025-07-01',
      'NQ 1654/NQ-UBTVQH15',
      actor,
    )
    expect(second).toMatchObject({ applied: 0, unchanged: 1 + communes, rejected: [] })
    const today = await t
      .admin()
      .get('/v1/units?under=91&kind=commune,ward,special_zone&limit=1000')
      .expect(200)
    expect(today.body.items).toHaveLength(communes)
    expect((await t.admin().get('/v1/units/91?asOf=2025-06-30').expect(200)).body.name).toBe(
      'Tỉnh Kiên Giang',
    )
    expect((await t.admin().get('/v1/units/30628').expect(200)).body).toMatchObject({
      name: 'Xã Chợ Mới',
      path: '91/30628',
    })
  })
})
