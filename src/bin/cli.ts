// What every command-line entry shares: the configuration (environment over .env), the database
// opened and migrated, closed at the end; a known failure as one line (exit 1); progress on a
// terminal.
import { type Kysely, sql } from 'kysely'
import { type Config, loadConfig } from '../config.js'
import { type Database, openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrator.js'
import type { DB } from '../db/schema.js'
import type { Actor } from '../http/caller.js'
import { CHANGES_CHANNEL } from '../modules/changes/index.js'
import { explainStartupError } from '../startup-errors.js'

/**
 * Runs `main` over the configured, migrated database, with what `prepare` read first (a file is
 * checked before the database is opened); any failure ends the process with one line.
 */
export async function runCommand<Input = undefined>(
  name: string,
  main: (
    db: Kysely<DB>,
    context: { config: Config; actor: Actor; migrated: string[]; database: Database },
    input: Input,
  ) => Promise<void>,
  prepare?: () => Promise<Input>,
): Promise<void> {
  let config: Config | undefined
  try {
    config = loadConfig()
    const input = (prepare ? await prepare() : undefined) as Input
    const database = await openDatabase(config)
    try {
      const { results } = await migrateToLatest(database.db)
      const migrated = (results ?? []).map((r) => `${r.status.padEnd(8)} ${r.migrationName}`)
      // The command is the audit's actor of what it writes.
      await main(
        database.db,
        {
          config,
          actor: { keyId: null, name, requestId: null },
          migrated,
          database,
        },
        input,
      )
      // What the command wrote is committed: wake the service's feed readers and webhooks. (A
      // command that ran the app over the database has closed it, and the app told them.)
      await sql`select pg_notify(${CHANGES_CHANNEL}, '')`
        .execute(database.db)
        .catch(() => undefined)
    } finally {
      await database.close()
    }
  } catch (error) {
    process.stderr.write(`${name}: ${explainStartupError(error, config?.databaseUrl)}\n`)
    process.exit(1)
  }
}

/** A progress line rewritten in place on a terminal; nothing when the output is a file or pipe. */
export function progressLine(label: string) {
  const tty = process.stderr.isTTY
  let last = 0
  return {
    update: (done: number, total: number) => {
      const now = Date.now()
      if (!tty || (now - last < 200 && done < total)) return
      last = now
      const percent = Math.floor((done / total) * 100)
      process.stderr.write(
        `\r${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${percent}%)`,
      )
    },
    done: () => {
      if (tty && last > 0) process.stderr.write('\n')
    },
  }
}

/** A loader's report as JSON, with the seconds since `started`. */
export function printReport(report: object, started: number) {
  const seconds = Number(((performance.now() - started) / 1000).toFixed(2))
  console.log(JSON.stringify({ ...report, seconds }, null, 2))
}
