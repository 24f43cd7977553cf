// npm run bench:records: throughput of the two busiest writes, PUT .../certifications/{year} and
// POST /v1/meetings, against the service running as its own process (as in production) on a
// scratch PostgreSQL database (BENCH_DATABASE_URL, default the local server). The load comes
// from this process over keep-alive HTTP, CONCURRENCY requests in flight.
import {
  BENCH_KEY as key,
  percentiles,
  startServiceProcess,
  withScratchDatabase,
} from './support.js'

const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16)
const HAMLETS = 1000
const YEARS = [2018, 2019, 2020, 2021, 2022]
const MEETINGS = 5000
await withScratchDatabase('records', async (scratchUrl) => {
  const { base, stop } = await startServiceProcess(['--import', 'tsx', 'src/server.ts'], {
    DATABASE_URL: scratchUrl,
    LOG_LEVEL: 'warn',
  })

  async function call(method: string, path: string, body: unknown): Promise<number> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    await response.arrayBuffer()
    return response.status
  }

  /** Sends every request, CONCURRENCY at a time; prints requests/s and latency percentiles. */
  async function run(label: string, requests: [string, string, unknown][], expected: number) {
    const latencies: number[] = []
    let next = 0
    const started = performance.now()
    const worker = async () => {
      while (next < requests.length) {
        const [method, path, body] = requests[next++]!
        const t0 = performance.now()
        const status = await call(method, path, body)
        latencies.push(performance.now() - t0)
        if (status !== expected) throw new Error(`${method} ${path} answered ${status}`)
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    const seconds = (performance.now() - started) / 1000
    console.log(
      `${label}: ${requests.length} requests in ${seconds.toFixed(1)} s = ${Math.round(requests.length / seconds)} req/s (${percentiles(latencies)}, ${CONCURRENCY} in flight)`,
    )
  }

  try {
    const units: [string, string, unknown][] = [
      ['POST', '/v1/units', { code: '89', name: 'Tỉnh An Giang', kind: 'province' }],
      [
        'POST',
        '/v1/units',
        { code: '893', name: 'Huyện Chợ Mới', kind: 'district', parentCode: '89' },
      ],
      [
        'POST',
        '/v1/units',
        { code: '30628', name: 'Thị trấn Chợ Mới', kind: 'town', parentCode: '893' },
      ],
    ]
    for (const [method, path, body] of units) await call(method, path, body)
    const hamlets = Array.from(
      { length: HAMLETS },
      (_, i) => `30628-A${String(i).padStart(4, '0')}`,
    )
    await run(
      'POST /v1/units (hamlets, setup)',
      hamlets.map((code, i) => [
        'POST',
        '/v1/units',
        { code, name: `Ấp ${i}`, kind: 'hamlet', parentCode: '30628' },
      ]),
      201,
    )
    await run(
      'PUT /v1/units/{code}/certifications/{year} (create)',
      YEARS.flatMap((year) =>
        hamlets.map((code): [string, string, unknown] => [
          'PUT',
          `/v1/units/${code}/certifications/${year}`,
          { result: 'certified', decisionNumber: `${year}/QĐ`, movementRating: 'good' },
        ]),
      ),
      201,
    )
    await run(
      'PUT /v1/units/{code}/certifications/{year} (unchanged repeat)',
      hamlets.map((code) => [
        'PUT',
        `/v1/units/${code}/certifications/2018`,
        { result: 'certified', decisionNumber: '2018/QĐ', movementRating: 'good' },
      ]),
      200,
    )
    await run(
      'POST /v1/meetings',
      Array.from({ length: MEETINGS }, (_, i) => [
        'POST',
        '/v1/meetings',
        {
          unitRef: hamlets[i % HAMLETS],
          format: 'forum',
          heldOn: `2018-${String((i % 12) + 1).padStart(2, '0')}-10`,
          attendees: 30 + (i % 40),
          formsDistributed: 30,
          opinionsReceived: 3,
          externalId: `bench-${i}`,
        },
      ]),
      201,
    )
  } finally {
    await stop()
  }
})
