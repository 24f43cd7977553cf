// What a failure at start-up (of the service or a command-line tool) says to the person at the
// terminal: one line, with what to do, for the failures a newcomer meets; a stack trace only for
// the unexpected.
import { ConfigError } from './config.js'
import { DataDirLockedError } from './db/data-dir-lock.js'
import { ReferenceFileError } from './modules/units/index.js'

/** host:port and database name of a connection string, never its password. */
function describeServer(databaseUrl: string) {
  try {
    const url = new URL(databaseUrl)
    return {
      at: `${url.hostname || 'localhost'}:${url.port || '5432'}`,
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || url.username || 'postgres',
      user: decodeURIComponent(url.username) || 'the current user',
    }
  } catch {
    return { at: 'the configured server', database: 'the configured database', user: 'the user' }
  }
}

/** The error itself, or the connection error a migration failed on. */
function rootCause(error: unknown): unknown {
  let cause = error
  while (cause instanceof Error && cause.cause !== undefined && !('code' in cause))
    cause = cause.cause
  return cause
}

export function explainStartupError(thrown: unknown, databaseUrl?: string): string {
  const error = rootCause(thrown)
  if (
    error instanceof ConfigError ||
    error instanceof DataDirLockedError ||
    error instanceof ReferenceFileError
  )
    return error.message
  const code = (error as { code?: unknown } | null)?.code
  if (databaseUrl && typeof code === 'string') {
    const server = describeServer(databaseUrl)
    switch (code) {
      case '3D000':
        return `database ${server.database} does not exist on ${server.at} — create it with \`createdb ${server.database}\` (or point DATABASE_URL at another)`
      case 'ECONNREFUSED':
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'ETIMEDOUT':
        return `cannot reach PostgreSQL at ${server.at} (${code}): is the server running, and is DATABASE_URL right?`
      case '28P01':
      case '28000':
        return `PostgreSQL at ${server.at} refused ${server.user}: check the user and password in DATABASE_URL`
      case '42501':
        return `PostgreSQL at ${server.at}: ${(error as Error).message} — the user needs the rights to create the extensions unaccent, pg_trgm, btree_gist and ltree (the database owner has them)`
    }
  }
  if (error instanceof Error && error.message.startsWith('timeout exceeded when trying to connect'))
    return `cannot reach PostgreSQL${databaseUrl ? ` at ${describeServer(databaseUrl).at}` : ''}: the connection timed out`
  return String((thrown as Error | null)?.stack ?? thrown)
}
