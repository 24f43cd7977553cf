// A background round run on demand, one at a time: a poke during a round runs it once more
// after, so that work poked is never left for the next interval, and pokes never pile up.

export interface CoalescingLoop {
  readonly poke: () => void
  /** Resolves when the round under way, if any, has ended. */
  readonly idle: () => Promise<void>
}

export function coalescingLoop(
  round: () => Promise<void>,
  onError: (error: unknown) => void,
  stopped: () => boolean,
): CoalescingLoop {
  let running: Promise<void> | undefined
  let again = false
  const poke = () => {
    if (stopped()) return
    if (running) {
      again = true
      return
    }
    running = round()
      .catch(onError)
      .finally(() => {
        running = undefined
        if (again) {
          again = false
          poke()
        }
      })
  }
  return { poke, idle: async () => await running }
}
