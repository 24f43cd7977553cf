// The runner of queued (async) imports in this process. Every process of the service runs one:
// jobs are claimed through PostgreSQL (`for update skip locked`), so several replicas share the
// queue and never run one job twice; each round also fails jobs whose runner died.
import type { FastifyBaseLogger } from 'fastify'
import { coalescingLoop } from '../../background/coalescing-loop.js'
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
  onJobDone: () => void = () => undefined,
): ImportWorker {
  let stopped = false

  async function work() {
    const abandoned = await service.sweep()
    for (const id of abandoned) log.warn({ importId: id }, 'import abandoned by a stopped process')
    while (!stopped && (await service.runNextQueued(log))) {
      onJobDone() // one job after another until none is queued
    }
  }

  const rounds = coalescingLoop(
    work,
    (error) => log.error({ err: error }, 'import worker round failed'),
    () => stopped,
  )
  const poke = rounds.poke

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
      await rounds.idle()
    },
  }
}
