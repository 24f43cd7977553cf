// npm run bench:imports: bulk imports against COPY, and the service's memory while importing.
// On PostgreSQL (a scratch database on BENCH_DATABASE_URL, default the local server): a CSV of
// BENCH_ROWS (default 500,000) certifications, then one of meetings, each sent in one request to
// the compiled service running as its own process, timed against COPY of the same file into a
// table of the same columns in the same database, and BENCH_HAMLETS (default 40,000) new hamlets
// as a units import; then BENCH_RSS_ROWS (default 1,000,000)
// meetings while the service's RSS is sampled. On the embedded database: BENCH_EMBEDDED_ROWS
// (default 100,000) of each against PGlite's own COPY of the same file. Afterwards a report and
// a list are timed, to show they run at full speed at once (the import refreshed statistics).
//   BENCH_ONLY=postgres|embedded
import { execFileSync } from 'node:child_process'
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { PGLITE_EXTENSIONS } from '../src/db/database.js'
import {
  BENCH_KEY as key,
  percentiles,
  startServiceProcess,
  withScratchDatabase,
} from './support.js'

const ROWS = Number(process.env.BENCH_ROWS ?? 500_000)
const RSS_ROWS = Number(process.env.BENCH_RSS_ROWS ?? 1_000_000)
const EMBEDDED_ROWS = Number(process.env.BENCH_EMBEDDED_ROWS ?? 100_000)
const ONLY = process.env.BENCH_ONLY
const COMMUNES = 100
const AGENCIES_PER_COMMUNE = 500
const YEARS = Array.from({ length: 10 }, (_, i) => 2015 + i)
const auth = { authorization: `Bearer ${key}` }
const folder = mkdtempSync(join(tmpdir(), 'antq-bench-imports-'))

const communeCode = (i: number) => `9${String(i).padStart(4, '0')}`
const agencyCode = (i: number) => `${communeCode(i % COMMUNES)}-CQ${Math.floor(i / COMMUNES)}`

/** Writes `rows` lines after `header` to a file, without holding them. */
async function writeCsv(name: string, header: string, rows: number, line: (i: number) => string) {
  const path = join(folder, name)
  const out = createWriteStream(path)
  out.write(`${header}\n`)
  for (let i = 0; i < rows; i++)
    if (!out.write(`${line(i)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()))
  await new Promise<void>((resolve) => out.end(() => resolve()))
  return path
}

const certificationsCsv = (rows: number, tag: string) =>
  writeCsv(
    `certifications-${tag}.csv`,
    'unitCode,year,result,decisionNumber,decisionDate,issuedBy,movementRating,note',
    rows,
    (i) => {
      const year = YEARS[Math.floor(i / (COMMUNES * AGENCIES_PER_COMMUNE))]!
      const agency = agencyCode(i % (COMMUNES * AGENCIES_PER_COMMUNE))
      return `${agency},${year},${i % 7 ? 'certified' : 'not_certified'},${i}/QĐ-UBND,${year}-12-20,UBND xã,good,`
    },
  )
const meetingsCsv = (rows: number, tag: string) =>
  writeCsv(
    `meetings-${tag}.csv`,
    'externalId,unitCode,format,heldOn,attendees,formsDistributed,formsReturned,opinionsReceived,note',
    rows,
    (i) =>
      `${tag}-${i},${communeCode(i % COMMUNES)},forum,20${16 + (i % 9)}-0${1 + (i % 9)}-1${i % 10},${20 + (i % 200)},40,35,${i % 9},`,
  )

const HAMLETS = Number(process.env.BENCH_HAMLETS ?? 40_000)
/** New hamlets under the communes, in the columns of a units import. */
const hamletsCsv = (rows: number, tag: string) =>
  writeCsv(`hamlets-${tag}.csv`, 'code,name,kind,parentCode,validFrom', rows, (i) => {
    const commune = communeCode(i % COMMUNES)
    return `${commune}-${tag}${i},Ấp ${i},hamlet,${commune},2020-01-01`
  })

/** The columns of the CSV files, as COPY loads them. */
const COPY_TABLES = {
  certifications: `unit_code text, year int, result text, decision_number text, decision_date date,
    issued_by text, movement_rating text, note text`,
  meetings: `external_id text, unit_code text, format text, held_on date, attendees int,
    forms_distributed int, forms_returned int, opinions_received int, note text`,
}
/**
 * The keys and indexes of the real tables (id, the record's identity, the lists' index), for a
 * second COPY that pays for them as the import's writes do (no foreign key, no audit).
 */
const COPY_KEYS = {
  certifications: `alter table copy_certifications add column id uuid primary key default gen_random_uuid();
    create unique index on copy_certifications (unit_code, year);
    create index on copy_certifications (year, unit_code);`,
  meetings: `alter table copy_meetings add column id uuid primary key default gen_random_uuid();
    create unique index on copy_meetings (external_id);
    create index on copy_meetings (held_on);
    create index on copy_meetings (unit_code, held_on);`,
}
const copyColumns = (table: keyof typeof COPY_TABLES) =>
  COPY_TABLES[table]
    .split(',')
    .map((column) => column.trim().split(/\s+/)[0])
    .join(', ')

/** The units the files name: a province, communes, and agencies under them (set up in SQL). */
const SETUP = `
  insert into units (id, code, name, kind, parent_id, path, code_path, valid_from)
  values ('00000000-0000-4000-8000-000000000009', '9', 'Tỉnh Chín', 'province', null,
    '00000000000040008000000000000009', '9', '2000-01-01');
  insert into units (id, code, name, kind, parent_id, path, code_path, valid_from)
  select g.id, g.code, 'Xã ' || g.n, 'commune', '00000000-0000-4000-8000-000000000009',
    ('00000000000040008000000000000009.' || replace(g.id::text, '-', ''))::ltree, '9/' || g.code, '2000-01-01'
  from (select gen_random_uuid() as id, n, '9' || lpad(n::text, 4, '0') as code
        from generate_series(0, ${COMMUNES - 1}) n) g;
  insert into units (id, code, name, kind, parent_id, path, code_path, valid_from)
  select a.id, c.code || '-CQ' || a.k, 'Cơ quan ' || a.k, 'agency', c.id,
    (c.path::text || '.' || replace(a.id::text, '-', ''))::ltree, c.code_path || '/' || c.code || '-CQ' || a.k, '2000-01-01'
  from units c cross join lateral (select gen_random_uuid() as id, k
    from generate_series(0, ${AGENCIES_PER_COMMUNE - 1}) k) a
  where c.kind = 'commune';
  analyze units;`

type Imported = Awaited<ReturnType<typeof importFile>>

async function importFile(base: string, dataset: string, path: string, pid?: number) {
  let peak = 0
  const before = pid ? rssOf(pid) : 0
  const cpuBefore = pid ? { service: cpuOf([pid]), postgres: cpuOf(postgresPids()) } : undefined
  const sampler = pid ? setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50) : undefined
  const t0 = performance.now()
  const response = await fetch(`${base}/v1/imports/${dataset}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: createReadStream(path) as never,
    duplex: 'half',
  })
  const body = (await response.json()) as {
    counts?: { rows: number; created: number }
    detail?: string
  }
  const seconds = (performance.now() - t0) / 1000
  clearInterval(sampler)
  if (response.status !== 200)
    throw new Error(`${dataset}: ${response.status} ${JSON.stringify(body).slice(0, 500)}`)
  const rows = body.counts!.rows
  const cpu = cpuBefore && {
    service: ((cpuOf([pid!]) - cpuBefore.service) * 1e6) / rows,
    postgres: ((cpuOf(postgresPids()) - cpuBefore.postgres) * 1e6) / rows,
  }
  return { rows, seconds, rssGrowthMb: pid ? (peak - before) / 1024 : 0, cpu }
}

/** CPU seconds (user + system) the processes have used so far. */
function cpuOf(pids: number[]): number {
  let ticks = 0
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // the process ended
    }
  }
  return ticks / 100
}

/** The PostgreSQL server's processes on this machine (its CPU share of an import). */
function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/comm`, 'utf8').trim() === 'postgres'
      } catch {
        return false
      }
    })
    .map(Number)
}

/** Resident set size of a process, in KiB. */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
}

async function timeAfterwards(base: string) {
  const times: number[] = []
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now()
    const response = await fetch(`${base}/v1/reports/summary?unit=9&year=2020`, { headers: auth })
    await response.arrayBuffer()
    if (!response.ok) throw new Error(`report: ${response.status}`)
    times.push(performance.now() - t0)
  }
  const list: number[] = []
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now()
    const response = await fetch(`${base}/v1/certifications?year=2020&under=9&limit=100`, {
      headers: auth,
    })
    await response.arrayBuffer()
    if (!response.ok) throw new Error(`list: ${response.status}`)
    list.push(performance.now() - t0)
  }
  console.log(
    `after the imports: province report ${percentiles(times)}; list of 100 certifications ${percentiles(list)}`,
  )
}

const HEADER = (copy: string) =>
  `| import | rows | rows/s | ${copy} rows/s, bare table | ratio | ${copy} rows/s, with the keys | ratio | peak RSS growth | CPU µs/row, service / PostgreSQL |\n|---|---|---|---|---|---|---|---|---|`

/** One row of the table: the import's rate against both COPY rates, and its memory. */
function line(what: string, result: Imported, [bare, keyed]: [number, number]) {
  const rate = result.rows / result.seconds
  const n = (x: number) => Math.round(x).toLocaleString('en')
  console.log(
    `| ${what} | ${n(result.rows)} | ${n(rate)} | ${n(bare)} | ${(rate / bare).toFixed(2)} | ${n(keyed)} | ${(rate / keyed).toFixed(2)} | ${Math.round(result.rssGrowthMb)} MB | ${result.cpu ? `${result.cpu.service.toFixed(0)} / ${result.cpu.postgres.toFixed(0)}` : ''} |`,
  )
}

console.log('building the service…')
execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' })
const service = (env: Record<string, string>) =>
  startServiceProcess(['dist/src/server.js'], { ...env, LOG_LEVEL: 'warn', NODE_ENV: 'production' })

try {
  if (ONLY !== 'embedded') {
    await withScratchDatabase('imports', async (url) => {
      execFileSync(process.execPath, ['dist/src/bin/migrate.js'], {
        env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
        stdio: 'inherit',
      })
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      await client.query(SETUP)
      /** Rows/s of COPY of the file into a bare table, and into one with the real keys. */
      const copy = async (table: keyof typeof COPY_TABLES, path: string) => {
        const rates: number[] = []
        for (const keyed of [false, true]) {
          await client.query(`create table copy_${table} (${COPY_TABLES[table]})`)
          if (keyed) await client.query(COPY_KEYS[table])
          const t0 = performance.now()
          await pipeline(
            createReadStream(path),
            client.query(
              copyFrom(
                `copy copy_${table} (${copyColumns(table)}) from stdin with (format csv, header)`,
              ),
            ),
          )
          rates.push(ROWS / ((performance.now() - t0) / 1000))
          await client.query(`drop table copy_${table}`)
        }
        return rates as [number, number]
      }
      console.log(`PostgreSQL: writing ${ROWS.toLocaleString('en')}-row files…`)
      const certifications = await certificationsCsv(ROWS, 'pg')
      const meetings = await meetingsCsv(ROWS, 'pg')
      const { base, stop, pid } = await service({ DATABASE_URL: url })
      try {
        console.log(`\nPostgreSQL, one request per file\n${HEADER('COPY')}`)
        const copyCertifications = await copy('certifications', certifications)
        const c = await importFile(base, 'certifications', certifications, pid)
        line('certifications (CSV)', c, copyCertifications)
        const copyMeetings = await copy('meetings', meetings)
        const m = await importFile(base, 'meetings', meetings, pid)
        line('meetings (CSV)', m, copyMeetings)
        rmSync(certifications)
        rmSync(meetings)
        const hamlets = await hamletsCsv(HAMLETS, 'pg')
        const u = await importFile(base, 'units', hamlets, pid)
        console.log(
          `units: ${u.rows.toLocaleString('en')} new hamlets in ${u.seconds.toFixed(1)} s: ${Math.round(u.rows / u.seconds).toLocaleString('en')} rows/s; CPU µs/row, service / PostgreSQL: ${Math.round(u.cpu!.service)} / ${Math.round(u.cpu!.postgres)}`,
        )
        rmSync(hamlets)
      } finally {
        await stop()
      }
      // Memory on a fresh process, so that what the imports above left does not count.
      const large = await meetingsCsv(RSS_ROWS, 'rss')
      const fresh = await service({ DATABASE_URL: url })
      try {
        const r = await importFile(fresh.base, 'meetings', large, fresh.pid)
        console.log(
          `memory: a fresh service process importing ${r.rows.toLocaleString('en')} meetings (${Math.round(r.rows / r.seconds).toLocaleString('en')} rows/s): peak RSS growth ${Math.round(r.rssGrowthMb)} MB`,
        )
        rmSync(large)
        await timeAfterwards(fresh.base)
      } finally {
        await fresh.stop()
        await client.end()
      }
    })
  }

  if (ONLY !== 'postgres') {
    const dataDir = mkdtempSync(join(tmpdir(), 'antq-bench-imports-data-'))
    try {
      console.log(`\nembedded: writing ${EMBEDDED_ROWS.toLocaleString('en')}-row files…`)
      const certifications = await certificationsCsv(EMBEDDED_ROWS, 'embedded')
      const meetings = await meetingsCsv(EMBEDDED_ROWS, 'embedded')
      // PGlite's own COPY of the same files, in a database of its own (in memory).
      const pglite = await PGlite.create()
      const copy = async (table: keyof typeof COPY_TABLES, path: string) => {
        const rates: number[] = []
        for (const keyed of [false, true]) {
          await pglite.exec(`create table copy_${table} (${COPY_TABLES[table]})`)
          if (keyed) await pglite.exec(COPY_KEYS[table])
          const blob = new Blob([readFileSync(path)])
          const t0 = performance.now()
          await pglite.query(
            `copy copy_${table} (${copyColumns(table)}) from '/dev/blob' with (format csv, header)`,
            [],
            { blob },
          )
          rates.push(EMBEDDED_ROWS / ((performance.now() - t0) / 1000))
          await pglite.exec(`drop table copy_${table}`)
        }
        return rates as [number, number]
      }
      const copyCertifications = await copy('certifications', certifications)
      const copyMeetings = await copy('meetings', meetings)
      await pglite.close()
      execFileSync(process.execPath, ['dist/src/bin/migrate.js'], {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' },
        stdio: 'inherit',
      })
      const setup = await PGlite.create(join(dataDir, 'pgdata'), { extensions: PGLITE_EXTENSIONS })
      await setup.exec(SETUP)
      await setup.close()
      const { base, stop, pid } = await service({ DATA_DIR: dataDir, DATABASE_URL: '' })
      try {
        console.log(`\nembedded (PGlite), one request per file\n${HEADER('PGlite COPY')}`)
        const c = await importFile(base, 'certifications', certifications, pid)
        line('certifications (CSV)', c, copyCertifications)
        const m = await importFile(base, 'meetings', meetings, pid)
        line('meetings (CSV)', m, copyMeetings)
        await timeAfterwards(base)
      } finally {
        await stop()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true })
}
