// The runner of queued (async) imports in this process. Every process of the service runs one:
// jobs are claimed through PostgreSQL (`for update skip locked`), so several replicas share the
// queue and never run one job twice; each round also fails jobs whose runner died.
import type { FastifyBaseLogger } from 'fastify'
import type { ImportsService } from './imports.service.js'

export interface ImportWorker {
  /** Looks for work now (a file was just queued here). */
  poke(): void
  /** Stops claiming jobs and waits for the one running, if any. */
  stop(): Promise<void>
}

export function startImportWorker(
  service: ImportsService,
  pollMs: number,
  log: FastifyBaseLogger,
): ImportWorker {
  let stopped = false
  let round: Promise<void> | undefined
  let again = false

  async function work() {
    const abandoned = await service.sweep()
    for (const id of abandoned) log.warn({ importId: id }, 'import abandoned by a stopped process')
    while (!stopped && (await service.runNextQueued(log))) {
      // one job after another until none is queued
    }
  }

  function poke() {
    if (stopped) return
    if (round) {
      again = true
      return
    }
    round = work()
      .catch((error: unknown) => log.error({ err: error }, 'import worker round failed'))
      .finally(() => {
        round = undefined
        if (again) {
          again = false
          poke()
        }
      })
  }

  const timer = pollMs > 0 ? setInterval(poke, pollMs) : undefined
  timer?.unref()
  if (pollMs > 0) poke()
  return {
    poke: () => {
      if (pollMs > 0) poke()
    },
    stop: async () => {
      stopped = true
      clearInterval(timer)
      await round
    },
  }
}
