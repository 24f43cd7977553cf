// What the benchmarks share: a scratch PostgreSQL database made for each run (on
// BENCH_DATABASE_URL, default the local server) and dropped after it, the real app over it behind a bench admin key,
// and latency percentiles.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { type Database, openPostgres } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrator.js'

export const BENCH_KEY = 'bench-admin-key-0123456789'

/**
 * Runs `bench` over a scratch PostgreSQL database made for this run alone (a unique name, so two
 * runs never collide) and drops it afterwards — when the benchmark fails, too, and on Ctrl-C —
 * unless BENCH_KEEP is set.
 */
export async function withScratchDatabase(
  label: string,
  bench: (url: string) => Promise<void>,
): Promise<void> {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const name = `antq_bench_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const drop = async () => {
    if (process.env.BENCH_KEEP) console.log(`kept scratch database ${name}`)
    else await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
  const interrupted = () => void drop().finally(() => process.exit(130))
  process.once('SIGINT', interrupted)
  const url = new URL(server)
  url.pathname = `/${name}`
  try {
    await bench(url.toString())
  } finally {
    process.off('SIGINT', interrupted)
    await drop()
  }
}

/** A migrated database on the scratch URL; building a national data set may take minutes a statement. */
export async function openScratch(url: string): Promise<Database> {
  const database = openPostgres(url, { poolSize: 4, queryTimeoutMs: 600_000 })
  await migrateToLatest(database.db)
  return database
}

/** The real app over `database`, and a timed GET that must answer 200. */
export async function benchApp(database: Database) {
  const app = await buildApp(
    loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', ADMIN_API_KEY: BENCH_KEY }),
    { database },
  )
  await app.ready()
  const get = async <T = unknown>(path: string) => {
    const t0 = performance.now()
    const response = await app.inject({
      method: 'GET',
      url: path,
      headers: { authorization: `Bearer ${BENCH_KEY}` },
    })
    if (response.statusCode !== 200)
      throw new Error(`${path} answered ${response.statusCode}: ${response.body}`)
    return { ms: performance.now() - t0, body: response.json<T>() }
  }
  return { app, get }
}

/** "p50 … ms, p95 … ms" of the given times (sorted in place). */
export function percentiles(times: number[], digits = 1): string {
  times.sort((a, b) => a - b)
  const p = (q: number) => times[Math.floor(q * (times.length - 1))]!.toFixed(digits)
  return `p50 ${p(0.5)} ms, p95 ${p(0.95)} ms`
}

/**
 * The service as its own process (as in production) on a free port, with the bench admin key and
 * no rate limit; resolves once /readyz answers. `stop` ends it with SIGTERM and waits.
 */
export async function startServiceProcess(args: string[], env: Record<string, string>) {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
  // BENCH_NODE_ARGS: options for the service's node (`--cpu-prof --cpu-prof-dir=…` to profile it).
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_API_KEY: BENCH_KEY,
      RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    },
    // Logs go where a container's collector would read them; errors stay visible.
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) return { base, stop, pid: child.pid! }
    if (i > 600 || child.exitCode !== null) {
      await stop()
      throw new Error('the service did not become ready')
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}
