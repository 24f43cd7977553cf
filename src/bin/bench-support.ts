// What the benchmarks share: a scratch PostgreSQL database made fresh for each run (on
// BENCH_DATABASE_URL, default the local server), the real app over it behind a bench admin key,
// and latency percentiles.
import pg from 'pg'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { type Database, openPostgres } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'

export const BENCH_KEY = 'bench-admin-key-0123456789'
export const dataFile = (name: string) => new URL(`../../../shared/data/${name}`, import.meta.url)

/** Drops and creates database `name`; `drop()` removes it again unless BENCH_KEEP is set. */
export async function scratchDatabase(name: string) {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`drop database if exists ${name} with (force)`)
  await admin.query(`create database ${name}`)
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      if (!process.env.BENCH_KEEP) await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

/** A migrated database on the scratch URL. */
export async function openScratch(url: string): Promise<Database> {
  const database = openPostgres(url, 4)
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
