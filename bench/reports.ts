// npm run bench:reports: builds a national-scale data set in a scratch PostgreSQL database
// (BENCH_DATABASE_URL, default the local server) — the real 63 provinces, 696 districts and
// 10,047 communes, 10 hamlets per commune, 50 agencies, businesses and schools per district, and
// three years of certifications, forums, consultations and re-education counts — then prints the
// p50/p95 of GET /v1/reports/summary through the real app for a district, a province and the
// whole country.
import { sql } from 'kysely'
import { importGsoUnits, readGsoFile } from '../src/modules/units/index.js'
import { benchApp, openScratch, percentiles, withScratchDatabase } from './support.js'

const YEARS = [2016, 2017, 2018]
await withScratchDatabase('reports', async (scratchUrl) => {
  const database = await openScratch(scratchUrl)
  const { db } = database
  const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1)

  const started = performance.now()
  await importGsoUnits(db, await readGsoFile(), '2025-03-01', {
    keyId: null,
    name: 'bench',
    requestId: null,
  })
  // Units below communes and districts, in set-based statements.
  await sql`
    insert into units (id, code, name, kind, parent_id, path, code_path)
    select g.id, g.code || '-A' || lpad(g.n::text, 2, '0'), 'Ấp ' || g.n, 'hamlet', g.parent,
           g.path || text2ltree(replace(g.id::text, '-', '')), g.code_path || '/' || g.code || '-A' || lpad(g.n::text, 2, '0')
    from (select gen_random_uuid() as id, c.id as parent, c.code, c.path, c.code_path, n
          from units c cross join generate_series(1, 10) n where c.kind in ('commune', 'ward', 'town')) g`.execute(
    db,
  )
  await sql`
    insert into units (id, code, name, kind, parent_id, path, code_path)
    select g.id, g.code || '-' || g.prefix || lpad(g.n::text, 3, '0'), g.prefix || ' ' || g.n, g.kind, g.parent,
           g.path || text2ltree(replace(g.id::text, '-', '')), g.code_path || '/' || g.code || '-' || g.prefix || lpad(g.n::text, 3, '0')
    from (select gen_random_uuid() as id, d.id as parent, d.code, d.path, d.code_path, k.kind, k.prefix, n
          from units d
          cross join (values ('agency', 'CQ'), ('business', 'DN'), ('school', 'TH')) k(kind, prefix)
          cross join generate_series(1, 50) n
          where d.kind = 'district') g`.execute(db)
  for (const year of YEARS) {
    await sql`
      insert into certifications (unit_id, year, result, legal_basis, movement_rating)
      select id, ${year}, case when random() < 0.85 then 'certified' else 'not_certified' end,
             '23/2012/TT-BCA', (array['excellent', 'good', 'average', 'weak'])[1 + floor(random() * 4)::int]
      from units where kind in ('hamlet', 'commune', 'ward', 'town', 'agency', 'business', 'school')`.execute(
      db,
    )
    await sql`
      insert into meetings (unit_id, format, held_on, attendees, forms_distributed, opinions_received, source)
      select u.id, 'forum', make_date(${year}, 1 + floor(random() * 12)::int, 10), 20 + floor(random() * 50)::int,
             floor(random() * 40)::int, floor(random() * 6)::int, 'bench'
      from units u cross join generate_series(1, 2) where u.kind = 'hamlet'`.execute(db)
    await sql`
      insert into meetings (unit_id, format, held_on, attendees, source)
      select id, 'consultation', make_date(${year}, 11, 20), 30, 'bench'
      from units where kind in ('commune', 'ward', 'town')`.execute(db)
    await sql`
      insert into reeducation_counts (unit_id, period, period_type, starts_on, ends_on, re_educated, reformed, under_management)
      select id, ${String(year)}, 'year', make_date(${year}, 1, 1), make_date(${year}, 12, 31), 60, 25, 12
      from units where kind in ('commune', 'ward', 'town')`.execute(db)
  }
  await sql`analyze`.execute(db)
  const counts = await sql<{ what: string; n: number }>`
    select 'units' as what, count(*)::int as n from units union all
    select 'certifications', count(*)::int from certifications union all
    select 'meetings', count(*)::int from meetings union all
    select 'reeducation counts', count(*)::int from reeducation_counts`.execute(db)
  console.log(
    `data set: ${counts.rows.map((r) => `${r.n.toLocaleString('en')} ${r.what}`).join(', ')} in ${seconds(started)} s`,
  )

  const { app, get } = await benchApp(database)
  const provinces = (
    await db
      .selectFrom('units')
      .select('code')
      .where('kind', '=', 'province')
      .orderBy('code')
      .execute()
  ).map((r) => r.code)
  const districts = (
    await db
      .selectFrom('units')
      .select('code')
      .where('kind', '=', 'district')
      .orderBy('code')
      .execute()
  ).map((r) => r.code)
  const pick = <T>(list: T[], i: number) => list[(i * 7919) % list.length]!

  for (const [label, paths] of [
    [
      'district summary',
      (i: number) => `/v1/reports/summary?unit=${pick(districts, i)}&year=2018&asOf=2025-03-01`,
    ],
    [
      'province summary',
      (i: number) => `/v1/reports/summary?unit=${pick(provinces, i)}&year=2018&asOf=2025-03-01`,
    ],
    [
      'district breakdown by commune',
      (i: number) =>
        `/v1/reports/summary?unit=${pick(districts, i)}&year=2018&asOf=2025-03-01&groupBy=child`,
    ],
    [
      'province breakdown by district',
      (i: number) =>
        `/v1/reports/summary?unit=${pick(provinces, i)}&year=2018&asOf=2025-03-01&groupBy=child`,
    ],
  ] as const) {
    for (let i = 0; i < 10; i++) await get(paths(i)) // warm up
    const times: number[] = []
    for (let i = 0; i < 100; i++) times.push((await get(paths(i))).ms)
    console.log(`GET ${label}: ${percentiles(times)} (100 requests, varied units)`)
  }
  for (const [label, path] of [
    ['whole country summary', '/v1/reports/summary?year=2018'],
    ['whole country by province', '/v1/reports/summary?year=2018&groupBy=child'],
  ] as const) {
    await get(path)
    const times: number[] = []
    for (let i = 0; i < 20; i++) times.push((await get(path)).ms)
    console.log(`GET ${label}: ${percentiles(times)} (20 requests)`)
  }
  await app.close()
})
