// npm run bench:http: the request path as clients meet it. Builds the service, loads the bundled
// national unit list, starts the compiled service as its own process (request logging on, rate
// limit off) and drives it over HTTP with autocannon, on PostgreSQL (a scratch database on
// BENCH_DATABASE_URL, default the local server) and on the embedded database (a scratch folder).
// Prints req/s and latency p50/p99 for each scenario; every answer must be a success.
//   BENCH_SECONDS (default 8) per scenario, BENCH_CONNECTIONS (default 50), BENCH_ONLY=postgres|embedded
import autocannon from 'autocannon'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BENCH_KEY as key, startServiceProcess, withScratchDatabase } from './support.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const ONLY = process.env.BENCH_ONLY
const auth = { authorization: `Bearer ${key}` }
const json = { ...auth, 'content-type': 'application/json' }

const runCompiled = (file: string, env: Record<string, string>) =>
  execFileSync(process.execPath, [file], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })

/** The compiled service, request logging on (as in production), on the given database. */
const startService = (env: Record<string, string>) =>
  startServiceProcess(['dist/src/server.js'], {
    ...env,
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    NODE_ENV: 'production',
  })

async function ids(base: string, query: string): Promise<string[]> {
  const response = await fetch(`${base}/v1/units?${query}`, { headers: auth })
  const page = (await response.json()) as { items: { id: string }[] }
  return page.items.map((u) => u.id)
}

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!

type Request = autocannon.Request

async function measure(base: string, label: string, requests: Request[]) {
  const warm = await autocannon({ url: base, connections: CONNECTIONS, duration: 1, requests })
  if (warm.non2xx > 0) throw new Error(`${label}: ${warm.non2xx} answers were not successes`)
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests,
  })
  const failed = result.non2xx + result.errors + result.timeouts
  console.log(
    `| ${label} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${failed} |`,
  )
  if (failed > 0) throw new Error(`${label}: ${failed} requests failed`)
}

async function scenarios(database: string, base: string) {
  const provinces = await ids(base, 'kind=province&limit=100')
  const communes = await ids(base, 'kind=commune,ward,town&limit=1000')
  const tag = Date.now().toString(36)
  let seq = 0
  console.log(`\n${database}: ${CONNECTIONS} connections, ${SECONDS} s per scenario`)
  console.log('| scenario | req/s | p50 ms | p99 ms | failed |\n|---|---|---|---|---|')
  await measure(base, 'GET /v1/units/{id}', [
    {
      method: 'GET',
      headers: auth,
      setupRequest: (r) => ({ ...r, path: `/v1/units/${pick(communes)}` }),
    },
  ])
  await measure(base, 'GET /v1/units?under={province}&kind=…&limit=50', [
    {
      method: 'GET',
      headers: auth,
      setupRequest: (r) => ({
        ...r,
        path: `/v1/units?under=${pick(provinces)}&kind=commune,ward,town&limit=50`,
      }),
    },
  ])
  await measure(base, 'POST /v1/units (hamlet)', [
    {
      method: 'POST',
      path: '/v1/units',
      headers: json,
      setupRequest: (r) => ({
        ...r,
        body: JSON.stringify({
          code: `B${tag}-${++seq}`,
          name: `Ấp ${seq}`,
          kind: 'hamlet',
          parentId: pick(communes.slice(0, 200)),
          validFrom: '2018-01-01',
        }),
      }),
    },
  ])
  const hamlets = await ids(base, `kind=hamlet&under=${provinces[0]}&limit=1000`)
  const everyHamlet = hamlets.length ? hamlets : await ids(base, 'kind=hamlet&limit=1000')
  await measure(base, 'PUT /v1/units/{id}/certifications/{year}', [
    {
      method: 'PUT',
      headers: json,
      // The same body for a unit and year: the first PUT creates (201), repeats keep (200).
      setupRequest: (r) => ({
        ...r,
        path: `/v1/units/${pick(everyHamlet)}/certifications/${2018 + Math.floor(Math.random() * 7)}`,
        body: JSON.stringify({ result: 'certified', decisionNumber: '12/QĐ-UBND' }),
      }),
    },
  ])
  await measure(base, 'POST /v1/meetings (forum)', [
    {
      method: 'POST',
      path: '/v1/meetings',
      headers: json,
      setupRequest: (r) => ({
        ...r,
        body: JSON.stringify({
          unitRef: pick(everyHamlet),
          format: 'forum',
          heldOn: `20${18 + (++seq % 7)}-0${1 + (seq % 9)}-15`,
          attendees: 40,
          formsDistributed: 40,
          opinionsReceived: 3,
          externalId: `bench-${tag}-${seq}`,
        }),
      }),
    },
  ])
}

console.log('building the service…')
execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })

if (ONLY !== 'embedded') {
  await withScratchDatabase('http', async (url) => {
    console.log('PostgreSQL: loading the national unit list…')
    runCompiled('dist/src/bin/migrate.js', { DATABASE_URL: url })
    runCompiled('dist/src/bin/load-units.js', { DATABASE_URL: url })
    const { base, stop } = await startService({ DATABASE_URL: url })
    await scenarios('PostgreSQL', base).finally(stop)
  })
}

if (ONLY !== 'postgres') {
  const dataDir = mkdtempSync(join(tmpdir(), 'antq-bench-http-'))
  try {
    console.log('\nembedded: loading the national unit list…')
    runCompiled('dist/src/bin/load-units.js', { DATA_DIR: dataDir, DATABASE_URL: '' })
    const { base, stop } = await startService({ DATA_DIR: dataDir, DATABASE_URL: '' })
    await scenarios('embedded (PGlite)', base).finally(stop)
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
