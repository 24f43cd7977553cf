// npm run bench:changes: what the change feed costs and how fast webhooks arrive, against the
// service running as its own process on a scratch PostgreSQL database (BENCH_DATABASE_URL,
// default the local server).
// 1. POST /v1/meetings per second with the feed (the feed is a view over the audit: what a write
//    adds for it is the audit row's transaction id and its entry in the feed's index) and without
//    it (that index dropped), alternating rounds to even out noise.
// 2. Delivery latency: from the moment a write's answer arrives to the moment a webhook receiver
//    on loopback gets the change, p50 and p95 (one subscription; writes one at a time, then
//    CONCURRENCY at a time).
// NOTIFY is sent after every write either way (by the service, after the commit).
import { createServer } from 'node:http'
import pg from 'pg'
import {
  BENCH_KEY as key,
  percentiles,
  startServiceProcess,
  withScratchDatabase,
} from './support.js'

const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16)
const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 3000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 500)

await withScratchDatabase('changes', async (scratchUrl) => {
  const { base, stop } = await startServiceProcess(['--import', 'tsx', 'src/server.ts'], {
    DATABASE_URL: scratchUrl,
    LOG_LEVEL: 'warn',
  })
  const sql = new pg.Client({ connectionString: scratchUrl })
  await sql.connect()

  async function call(method: string, path: string, body: unknown) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const text = await response.text()
    if (response.status >= 300)
      throw new Error(`${method} ${path} answered ${response.status}: ${text}`)
    return JSON.parse(text) as { id: string }
  }

  let serial = 0
  const meeting = () => ({
    unitRef: '30628-A1',
    format: 'forum',
    heldOn: `2024-0${(serial % 9) + 1}-1${serial++ % 10}`,
    attendees: 40,
  })

  /** Sends `count` meetings, CONCURRENCY at a time; `onAnswer` sees each answer as it arrives. */
  async function post(
    count: number,
    onAnswer: (id: string, at: number) => void = () => {},
    inFlight = CONCURRENCY,
  ) {
    let left = count
    const started = performance.now()
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (left-- > 0) {
          const { id } = await call('POST', '/v1/meetings', meeting())
          onAnswer(id, performance.now())
        }
      }),
    )
    return count / ((performance.now() - started) / 1000)
  }

  // As migration 20261202T100000 creates it.
  const FEED_INDEX = `create index if not exists audit_events_feed_idx on audit_events (txid, id)
    where entity in ('unit', 'unit-change', 'unit-import', 'certification', 'meeting',
      'reeducation', 'campaign', 'import')`
  try {
    await call('POST', '/v1/units', { code: '89', name: 'Tỉnh An Giang', kind: 'province' })
    await call('POST', '/v1/units', {
      code: '893',
      name: 'Huyện Chợ Mới',
      kind: 'district',
      parentCode: '89',
    })
    await call('POST', '/v1/units', {
      code: '30628',
      name: 'Thị trấn Chợ Mới',
      kind: 'town',
      parentCode: '893',
    })
    await call('POST', '/v1/units', {
      code: '30628-A1',
      name: 'Ấp Một',
      kind: 'hamlet',
      parentCode: '30628',
    })
    await post(500) // warm-up: connections, prepared statements, plans

    const rates = { with: [] as number[], without: [] as number[] }
    for (let round = 0; round < ROUNDS; round++) {
      for (const feed of ['with', 'without'] as const) {
        await sql.query(feed === 'with' ? FEED_INDEX : 'drop index if exists audit_events_feed_idx')
        rates[feed].push(await post(MEETINGS))
      }
    }
    await sql.query(FEED_INDEX)
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const withFeed = median(rates.with)
    const withoutFeed = median(rates.without)
    console.log(
      `POST /v1/meetings with the feed: ${Math.round(withFeed)} req/s; without: ${Math.round(withoutFeed)} req/s (median of ${ROUNDS} rounds of ${MEETINGS}, ${CONCURRENCY} in flight)`,
    )
    console.log(
      `feed overhead on writes: ${((1 - withFeed / withoutFeed) * 100).toFixed(1)}% (with/without = ${(withFeed / withoutFeed).toFixed(3)})`,
    )

    // Delivery latency: answer of the write → arrival at the receiver.
    const arrived = new Map<string, number>()
    const receiver = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk: Buffer) => (body += chunk.toString()))
      request.on('end', () => {
        const id = (JSON.parse(body) as { data: { entityId: string } }).data.entityId
        if (!arrived.has(id)) arrived.set(id, performance.now())
        response.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()))
    const port = (receiver.address() as { port: number }).port
    await call('POST', '/v1/webhooks', {
      url: `http://127.0.0.1:${port}/antq`,
      events: ['meeting.created'],
    })
    for (const inFlight of [1, CONCURRENCY]) {
      const answered = new Map<string, number>()
      await post(DELIVERIES, (id, at) => answered.set(id, at), inFlight)
      const deadline = performance.now() + 60_000
      while ([...answered.keys()].some((id) => !arrived.has(id)) && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20))
      const latencies = [...answered].map(([id, at]) => (arrived.get(id) ?? Infinity) - at)
      const lost = latencies.filter((l) => !Number.isFinite(l)).length
      console.log(
        `webhook delivery latency, write answered → receiver: ${percentiles(latencies.filter(Number.isFinite).map((l) => Math.max(0, l)))} (${DELIVERIES} writes, ${inFlight} in flight${lost ? `, ${lost} not delivered within 60 s` : ''})`,
      )
    }
    receiver.close()
  } finally {
    await sql.end()
    await stop()
  }
})
