// Every background worker of a process, started and stopped in one place: the webhook fan-out and
// deliveries, the import queue's runner, and the periodic sweeps. Each shares its work with the
// other processes of the service through PostgreSQL.
import type { FastifyBaseLogger } from 'fastify'
import type { Registry } from 'prom-client'
import type { Config } from './config.js'
import { sweepIdempotencyKeys } from './http/idempotency.js'
import { type ChangeSignal, pruneChanges } from './modules/changes/index.js'
import { startImportWorker } from './modules/imports/index.js'
import { startWebhookWorker } from './modules/webhooks/index.js'
import type { Services } from './services.js'
import { startScheduledTasks } from './background/scheduled-tasks.js'

export interface Background {
  /** Deliveries became due here (a subscription created, resumed, a retry): send them now. */
  pokeWebhooks(): void
  /** A file was queued here: run it now. */
  pokeImports(): void
  stop(): Promise<void>
}

export function startBackground(
  services: Services,
  config: Config,
  changeSignal: ChangeSignal,
  metrics: Registry,
  log: FastifyBaseLogger,
): Background {
  const { db } = services
  const webhooks = startWebhookWorker(
    db,
    services.webhooksRepository,
    changeSignal,
    {
      metrics,
      pollMs: config.webhookWorkerPollMs,
      timeoutMs: config.webhookTimeoutMs,
      retryHours: config.webhookRetryHours,
      retryBaseMs: config.webhookRetryBaseMs,
      allowedHosts: config.webhookAllowedHosts,
    },
    log,
  )
  // A queued import that ran has committed its changes (or failed): wake the feed's readers.
  const imports = startImportWorker(services.imports, config.importWorkerPollMs, log, () =>
    changeSignal.announce(),
  )
  const scheduled = startScheduledTasks(
    db,
    [
      { name: 'idempotency-keys-sweep', everyMs: 60_000, run: sweepIdempotencyKeys },
      {
        name: 'change-feed-retention',
        everyMs: 3_600_000,
        run: async (tx) => ({
          changes: await pruneChanges(tx, config.changeRetentionDays),
          deliveries: await services.webhooksRepository.pruneDeliveries(config.changeRetentionDays),
        }),
      },
    ],
    log,
  )
  return {
    pokeWebhooks: () => webhooks.poke(),
    pokeImports: () => imports.poke(),
    stop: async () => {
      await Promise.all([webhooks.stop(), imports.stop(), scheduled.stop()])
    },
  }
}
