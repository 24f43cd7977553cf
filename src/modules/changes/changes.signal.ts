// "Something was written": this process's one LISTEN on the feed's channel, shared by every
// long-polling reader and the webhook fan-out. Waiters are woken by a NOTIFY (sent at the commit
// of a transaction that wrote changes), by their own deadline, or by the app closing.
import type { Database } from '../../db/database.js'
import type { Unlisten } from '../../db/notifications.js'

export const CHANGES_CHANNEL = 'antq_changes'

export interface ChangeSignal {
  /** Resolves at the next notification, after `ms`, on `abort`, or when the signal stops. */
  wait(ms: number, abort?: AbortSignal): Promise<void>
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

  return {
    wait,
    subscribe,
    start: async () => {
      if (database.kind !== 'none') unlisten = await database.listen(CHANGES_CHANNEL, notify)
    },
    stop: async () => {
      stopped = true
      // Unlisten first: the waiters woken next query the database, which must not meet an
      // UNLISTEN half done (the embedded database then never answers).
      await unlisten?.()
      notify()
      listeners.clear()
    },
  }
}
