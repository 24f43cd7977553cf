// "Something was written": this process's one LISTEN on the feed's channel, shared by every
// long-polling reader and the webhook fan-out. Waiters are woken by a NOTIFY (which every process
// sends after its writes commit: `announce`), by their own deadline, or by the app closing.
import { sql } from 'kysely'
import type { Database } from '../../db/database.js'
import type { Unlisten } from '../../db/notifications.js'

export const CHANGES_CHANNEL = 'antq_changes'

export interface ChangeSignal {
  /** Resolves at the next notification, after `ms`, on `abort`, or when the signal stops. */
  wait(ms: number, abort?: AbortSignal): Promise<void>
  /**
   * Tells every process that changes were committed: the waiters here at once, the others by one
   * NOTIFY for all the announcements made while the previous one was on its way.
   */
  announce(): void
  /** Calls `listener` at every notification; returns the function that stops it. */
  subscribe(listener: () => void): () => void
  start(): Promise<void>
  stop(): Promise<void>
}

export function createChangeSignal(database: Database): ChangeSignal {
  const listeners = new Set<() => void>()
  let unlisten: Unlisten | undefined
  let stopped = false

  const notify = () => {
    for (const listener of [...listeners]) listener()
  }

  function subscribe(listener: () => void) {
    listeners.add(listener)
    return () => void listeners.delete(listener)
  }

  function wait(ms: number, abort?: AbortSignal): Promise<void> {
    if (stopped || abort?.aborted || ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        unsubscribe()
        abort?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      const unsubscribe = subscribe(done)
      abort?.addEventListener('abort', done)
    })
  }

  let sending: Promise<void> | undefined
  let again = false
  function tellOthers() {
    if (sending) {
      again = true
      return
    }
    sending = sql`select pg_notify(${CHANGES_CHANNEL}, '')`
      .execute(database.db)
      .then(
        () => undefined,
        () => undefined, // the others' polling intervals catch up
      )
      .finally(() => {
        sending = undefined
        if (again && !stopped) {
          again = false
          tellOthers()
        }
      })
  }

  function announce() {
    if (stopped) return
    notify()
    // Embedded: one process, nobody else to tell.
    if (database.kind === 'postgres') tellOthers()
  }

  return {
    wait,
    announce,
    subscribe,
    start: async () => {
      if (database.kind !== 'none') unlisten = await database.listen(CHANGES_CHANNEL, notify)
    },
    stop: async () => {
      stopped = true
      // Unlisten first: the waiters woken next query the database, which must not meet an
      // UNLISTEN half done (the embedded database then never answers).
      await unlisten?.()
      await sending
      notify()
      listeners.clear()
    },
  }
}
