// npm run bench:units: loads the national list and the 2025 reorganisation into a scratch
// PostgreSQL database (BENCH_DATABASE_URL, default the local server), prints both timings and the
// unit counts valid on 2025-07-01, then the p50/p95 of subtree searches through the real app.
import { readFile } from 'node:fs/promises'
import { sql } from 'kysely'
import pg from 'pg'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { openPostgres } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import { createUnitsService } from '../modules/units/units.service.js'
import { type GsoFile, importGsoUnits } from '../modules/units/units.gso-import.js'
import { type ReorgFile, applyReorganisation } from '../modules/units/units.reorg-import.js'

const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const dataDir = new URL('../../../shared/data/', import.meta.url)
const scratch = 'antq_bench_units'
const admin = new pg.Client({ connectionString: server })
await admin.connect()
await admin.query(`drop database if exists ${scratch} with (force)`)
await admin.query(`create database ${scratch}`)
const url = new URL(server)
url.pathname = `/${scratch}`
const database = openPostgres(url.toString(), 4)
const actor = { keyId: null, name: 'bench', requestId: null }
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2)

await migrateToLatest(database.db)
let started = performance.now()
const loaded = await importGsoUnits(
  database.db,
  JSON.parse(await readFile(new URL('gso-units-2025-03-01.json', dataDir), 'utf8')) as GsoFile,
  '2025-03-01',
  actor,
)
console.log(
  `load national list: ${loaded.created} units in ${seconds(started)} s (${loaded.rejected.length} rejected)`,
)
started = performance.now()
const reorg = await applyReorganisation(
  database.db,
  createUnitsService(database.db),
  JSON.parse(await readFile(new URL('reorg-2025-07-01-merges.json', dataDir), 'utf8')) as ReorgFile,
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

const key = 'bench-admin-key-0123456789'
const app = await buildApp(
  loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', ADMIN_API_KEY: key }),
  { database },
)
await app.ready()
const cases = [
  ['today, province 91, q=long', '/v1/units?under=91&q=long'],
  ['today, province 01, q=phuong', '/v1/units?under=01&q=phuong'],
  ['2018, province 89, q=cho moi', '/v1/units?under=89&q=cho%20moi&asOf=2018-06-01'],
  ['today, province 79, no q, limit 1000', '/v1/units?under=79&limit=1000'],
]
for (const [label, path] of cases) {
  const times: number[] = []
  for (let i = 0; i < 220; i++) {
    const t0 = performance.now()
    const response = await app.inject({
      method: 'GET',
      url: path!,
      headers: { authorization: `Bearer ${key}` },
    })
    if (response.statusCode !== 200)
      throw new Error(`${path} answered ${response.statusCode}: ${response.body}`)
    if (i >= 20) times.push(performance.now() - t0) // the first 20 warm up
  }
  times.sort((a, b) => a - b)
  const p = (q: number) => times[Math.floor(q * (times.length - 1))]!.toFixed(2)
  console.log(`GET ${label}: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms`)
}
await app.close()
await admin.query(`drop database if exists ${scratch} with (force)`)
await admin.end()
