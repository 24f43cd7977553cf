// A webhook receiver on loopback: records what it is sent and answers as the test says.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { PATIENCE_MS } from './patience.js'

export interface Received {
  path: string
  headers: Record<string, string>
  body: string
  at: number
}

export type Answer = (request: Received) => { status: number; headers?: Record<string, string> }

export interface Receiver {
  url: string
  port: number
  received: Received[]
  answer: Answer
  /** Resolves once `count` requests have arrived (or throws after `ms`, by default PATIENCE_MS). */
  waitFor(count: number, ms?: number): Promise<Received[]>
  close(): Promise<void>
}

const flat = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]))

export async function startReceiver(
  port = 0,
  answer: Answer = () => ({ status: 204 }),
): Promise<Receiver> {
  const received: Received[] = []
  const receiver: Receiver = {
    url: '',
    port: 0,
    received,
    answer,
    waitFor: async (count, ms = PATIENCE_MS) => {
      const until = Date.now() + ms
      while (received.length < count) {
        if (Date.now() > until)
          throw new Error(`expected ${count} deliveries, got ${received.length} in ${ms} ms`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      return received
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  const server: Server = createServer((request, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => (body += chunk))
    request.on('end', () => {
      const got = { path: request.url ?? '', headers: flat(request.headers), body, at: Date.now() }
      received.push(got)
      const { status, headers } = receiver.answer(got)
      response.writeHead(status, headers).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))
  receiver.port = (server.address() as { port: number }).port
  receiver.url = `http://127.0.0.1:${receiver.port}/hooks/antq`
  return receiver
}

/** Waits until `check` holds (polling), or throws with what it last saw after `ms`. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  ms = PATIENCE_MS,
): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await read()
    if (check(value)) return value
    if (Date.now() > until) throw new Error(`not reached in ${ms} ms: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
