import { type Kysely, type MigrationResultSet, Migrator } from 'kysely'
import { migrations } from '../../migrations/index.js'

// The migrator works below the typed schema (it is what creates it), so it takes any database.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>

export function createMigrator(db: AnyDatabase): Migrator {
  return new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } })
}

export class MigrationError extends Error {
  constructor(migrationName: string | undefined, cause: unknown) {
    super(`Migration ${migrationName ?? '(unknown)'} failed: ${String(cause)}`, { cause })
    this.name = 'MigrationError'
  }
}

/** Brings the database to the latest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: AnyDatabase): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')
    throw new MigrationError(failed?.migrationName, result.error)
  }
  return result
}

/** Names of migrations the database has not run yet (empty when it is up to date). */
export async function pendingMigrations(db: AnyDatabase): Promise<string[]> {
  const all = await createMigrator(db).getMigrations()
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name)
}
