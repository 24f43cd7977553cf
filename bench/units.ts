// npm run bench:units: loads the national list and the 2025 reorganisation into a scratch
// PostgreSQL database (BENCH_DATABASE_URL, default the local server), prints both timings and the
// unit counts valid on 2025-07-01, then the p50/p95 of subtree searches through the real app.
import { sql } from 'kysely'
import {
  applyReorganisation,
  createUnitsService,
  importGsoUnits,
  readGsoFile,
  readReorgFile,
} from '../src/modules/units/index.js'
import { benchApp, openScratch, percentiles, withScratchDatabase } from './support.js'

await withScratchDatabase('units', async (scratchUrl) => {
  const database = await openScratch(scratchUrl)
  const actor = { keyId: null, name: 'bench', requestId: null }
  const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2)

  let started = performance.now()
  const loaded = await importGsoUnits(database.db, await readGsoFile(), '2025-03-01', actor)
  console.log(
    `load national list: ${loaded.created} units in ${seconds(started)} s (${loaded.rejected.length} rejected)`,
  )
  started = performance.now()
  const reorg = await applyReorganisation(
    database.db,
    createUnitsService(database.db),
    await readReorgFile(),
    '2025-07-01',
    'NQ 2025',
    actor,
  )
  console.log(
    `apply 2025 reorganisation: ${reorg.applied} changes in ${seconds(started)} s (${reorg.rejected.length} rejected, ${reorg.missingPredecessors.length} missing predecessors)`,
  )
  const counts = await sql<{ level: string; n: number }>`
    select case when kind = 'province' then 'provinces' else 'commune-level' end as level, count(*)::int as n
    from units where daterange(valid_from, valid_to, '[]') @> '2025-07-01'::date and kind in ('province', 'commune', 'ward', 'town', 'special_zone')
    group by 1 order by 1`.execute(database.db)
  console.log(`valid on 2025-07-01: ${counts.rows.map((r) => `${r.n} ${r.level}`).join(', ')}`)

  const { app, get } = await benchApp(database)
  const cases = [
    ['today, province 91, q=long', '/v1/units?under=91&q=long'],
    ['today, province 01, q=phuong', '/v1/units?under=01&q=phuong'],
    ['2018, province 89, q=cho moi', '/v1/units?under=89&q=cho%20moi&asOf=2018-06-01'],
    ['today, province 79, no q, limit 1000', '/v1/units?under=79&limit=1000'],
  ]
  for (const [label, path] of cases) {
    const times: number[] = []
    for (let i = 0; i < 220; i++) {
      const { ms } = await get(path!)
      if (i >= 20) times.push(ms) // the first 20 warm up
    }
    console.log(`GET ${label}: ${percentiles(times, 2)}`)
  }
  await app.close()
})
