// Entry point: load config, open and migrate the database, listen, and close gracefully.
import { loadConfig } from './config.js'
import { openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrator.js'
import { createLogger } from './logger.js'
import { explainStartupError } from './startup-errors.js'

/** Known once the configuration is read: start-up errors name its server. */
let databaseUrl: string | undefined

async function main() {
  const startedAt = performance.now()
  const config = loadConfig()
  databaseUrl = config.databaseUrl
  const logger = createLogger(config)
  const database = await openDatabase(config)
  try {
    const { results } = await migrateToLatest(database.db)
    for (const r of results ?? [])
      logger.info({ migration: r.migrationName, status: r.status }, 'migration')
  } catch (error) {
    await database.close()
    throw error
  }
  // The app is loaded once the database is open and migrated: a start that cannot get its
  // database (a folder in use, a server down) says so without first loading every module.
  const { buildApp } = await import('./app.js')
  const app = await buildApp(config, { database, logger })
  await app.listen({ port: config.port, host: config.host })
  logger.info(
    {
      database: database.kind === 'pglite' ? `embedded (${config.dataDir})` : 'postgresql',
      startupMs: Math.round(performance.now() - startedAt),
    },
    'antq-api ready',
  )

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    logger.info({ signal }, 'shutting down: finishing requests in flight')
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting')
      process.exit(1)
    }, config.shutdownTimeoutMs)
    timer.unref()
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main().catch((error: unknown) => {
  // Known start-up failures get one clear line, not a stack trace.
  process.stderr.write(`antq-api: ${explainStartupError(error, databaseUrl)}\n`)
  process.exit(1)
})
