// npm run bench:reports:current: reports rolled up through the 2025 reorganisation. Loads the
// real national list into a scratch PostgreSQL database, records 2018 figures for every commune
// (a certification, three consultations, a yearly re-education count), applies the real 2025
// mapping, then prints p50/p95 of `hierarchy=current` summaries for today's communes and
// provinces, and checks that the national totals are kept.
import { sql } from 'kysely'
import {
  applyReorganisation,
  createUnitsService,
  importGsoUnits,
  readGsoFile,
  readReorgFile,
} from '../src/modules/units/index.js'
import { benchApp, openScratch, percentiles, withScratchDatabase } from './support.js'

await withScratchDatabase('reports_current', async (scratchUrl) => {
  const database = await openScratch(scratchUrl)
  const { db } = database
  const actor = { keyId: null, name: 'bench', requestId: null }

  await importGsoUnits(db, await readGsoFile(), '2025-03-01', actor)
  const communeLevel = sql`kind in ('commune', 'ward', 'town')`
  await sql`
    insert into certifications (unit_id, year, result, legal_basis)
    select id, 2018, case when random() < 0.8 then 'certified' else 'not_certified' end, '23/2012/TT-BCA'
    from units where ${communeLevel}`.execute(db)
  await sql`
    insert into meetings (unit_id, format, held_on, attendees, source)
    select id, 'consultation', make_date(2018, 10 + n, 5), 30, 'bench'
    from units cross join generate_series(0, 2) n where ${communeLevel}`.execute(db)
  await sql`
    insert into reeducation_counts (unit_id, period, period_type, starts_on, ends_on, re_educated, reformed, under_management)
    select id, '2018', 'year', '2018-01-01', '2018-12-31', 10, 4, 2 from units where ${communeLevel}`.execute(
    db,
  )
  const started = performance.now()
  const reorg = await applyReorganisation(
    db,
    createUnitsService(db),
    await readReorgFile(),
    '2025-07-01',
    'Nghị quyết 2025',
    actor,
  )
  await sql`analyze`.execute(db)
  console.log(
    `2025 reorganisation: ${reorg.applied} changes in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  )

  interface Report {
    meetings: { consultations: number }
    notAttributable: { meetings: { consultations: number } } | null
  }

  const { app, get } = await benchApp(database)
  const today = (kinds: string) =>
    sql<{ code: string }>`select code from units
      where kind in (${sql.join(kinds.split(','))}) and valid_from = '2025-07-01' order by code`
      .execute(db)
      .then((r) => r.rows.map((row) => row.code))
  const [communes, provinces] = [await today('commune,ward,special_zone'), await today('province')]
  const pick = <T>(list: T[], i: number) => list[(i * 7919) % list.length]!
  for (const [label, list, count] of [
    ['today’s commune, 2018 rolled up', communes, 100],
    ['today’s province, 2018 rolled up', provinces, 34],
  ] as const) {
    const times: number[] = []
    for (let i = 0; i < count + 5; i++) {
      const { ms } = await get(
        `/v1/reports/summary?unit=${pick(list, i)}&year=2018&hierarchy=current`,
      )
      if (i >= 5) times.push(ms)
    }
    console.log(`GET summary, ${label}: ${percentiles(times)} (${count} requests)`)
  }
  const then = await get<Report>('/v1/reports/summary?year=2018')
  const now = await get<Report>('/v1/reports/summary?year=2018&hierarchy=current')
  const notAttributable = now.body.notAttributable?.meetings.consultations ?? 0
  console.log(
    `whole country 2018: ${then.body.meetings.consultations} consultations as the hierarchy stood, ` +
      `${now.body.meetings.consultations} rolled into today’s units + ${notAttributable} not attributable ` +
      `(current: ${now.ms.toFixed(0)} ms)`,
  )
  await app.close()
})
