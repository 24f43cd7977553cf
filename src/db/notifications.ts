// LISTEN on a PostgreSQL server through a connection of its own (a pooled one would be handed to
// other queries). A lost connection is opened again; the listener is then called once, since a
// notification may have been sent while nobody listened.
import pg from 'pg'

export type Unlisten = () => Promise<void>

const RECONNECT_MS = 1000

export async function listenOnPostgres(
  connectionString: string,
  channel: string,
  onNotify: () => void,
): Promise<Unlisten> {
  let client: pg.Client | undefined
  let stopped = false
  let retry: NodeJS.Timeout | undefined

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString })
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify()
    })
    next.on('error', () => lost(next))
    next.on('end', () => lost(next))
    try {
      await next.connect()
      await next.query(`listen ${pg.escapeIdentifier(channel)}`)
    } catch (error) {
      await next.end().catch(() => undefined)
      throw error
    }
    if (stopped) {
      await next.end().catch(() => undefined)
      return
    }
    client = next
  }

  function lost(which: pg.Client) {
    if (stopped || client !== which) return
    client = undefined
    scheduleReconnect()
  }

  function scheduleReconnect() {
    if (stopped || retry) return
    retry = setTimeout(() => {
      retry = undefined
      connect().then(onNotify, scheduleReconnect)
    }, RECONNECT_MS)
    retry.unref()
  }

  // A server that is down at start is retried like a lost one (the service starts anyway and
  // answers 503 until the database is back).
  await connect().catch(scheduleReconnect)
  return async () => {
    stopped = true
    clearTimeout(retry)
    const current = client
    client = undefined
    await current?.end().catch(() => undefined)
  }
}
