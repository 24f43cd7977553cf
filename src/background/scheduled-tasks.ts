// Periodic work (sweeps, retention) shared by every process of the service. Each round of a task
// is claimed by one single-row update that moves its `next_run_at` forward: when several processes
// try at once, PostgreSQL lets the first through and the others find the round already taken.
// A process that dies during a round leaves the work to the next round; tasks are idempotent.
import { hostname } from 'node:os'
import type { FastifyBaseLogger } from 'fastify'
import { type Kysely, sql } from 'kysely'
import type { DB } from '../db/schema.js'

export interface ScheduledTask {
  name: string
  everyMs: number
  run(db: Kysely<DB>): Promise<unknown>
}

/** How this process signs the rounds it ran (`scheduled_tasks.last_run_by`). */
export const PROCESS_NAME = `${hostname()}:${process.pid}`

/** Takes the task's round that is due, if any; true when this caller got it. */
export async function claimRound(
  db: Kysely<DB>,
  task: Pick<ScheduledTask, 'name' | 'everyMs'>,
  by = PROCESS_NAME,
): Promise<boolean> {
  await db
    .insertInto('scheduled_tasks')
    .values({ name: task.name })
    .onConflict((oc) => oc.doNothing())
    .execute()
  const claimed = await db
    .updateTable('scheduled_tasks')
    .set({
      next_run_at: sql`now() + make_interval(secs => ${task.everyMs / 1000})`,
      last_run_at: sql`now()`,
      last_run_by: by,
    })
    .where('name', '=', task.name)
    .where('next_run_at', '<=', sql<Date>`now()`)
    .returning('name')
    .executeTakeFirst()
  return claimed !== undefined
}

export interface ScheduledTasks {
  stop(): Promise<void>
}

/** Looks every `tickMs` for due rounds of `tasks` and runs those this process claims. */
export function startScheduledTasks(
  db: Kysely<DB>,
  tasks: readonly ScheduledTask[],
  log: FastifyBaseLogger,
  tickMs = 5000,
): ScheduledTasks {
  let round: Promise<void> | undefined
  const tick = () => {
    round ??= (async () => {
      for (const task of tasks) {
        try {
          if (await claimRound(db, task)) {
            const result = await task.run(db)
            log.debug({ task: task.name, result }, 'scheduled task ran')
          }
        } catch (error) {
          log.error({ err: error, task: task.name }, 'scheduled task failed')
        }
      }
    })().finally(() => {
      round = undefined
    })
  }
  const timer = setInterval(tick, tickMs)
  timer.unref()
  tick()
  return {
    stop: async () => {
      clearInterval(timer)
      await round
    },
  }
}
