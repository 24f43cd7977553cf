// Webhooks through the real app and real receivers on loopback: subscriptions, Standard Webhooks
// signatures (checked with the `standardwebhooks` package), retries, a receiver that is down for
// a while, redirects, scope, and a subscription disabled after failing for the whole retry window.
import { type ServerResponse, createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { Webhook } from 'standardwebhooks'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'
import { PATIENCE_MS } from '../../support/patience.js'
import { eventually, type Receiver, startReceiver } from '../../support/receiver.js'

const FAST = {
  WEBHOOK_WORKER_POLL_MS: '100',
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_TIMEOUT_MS: '2000',
}

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
const receivers: Receiver[] = []
beforeAll(async () => {
  t = await createTestApp(FAST)
  d = await createDistrict(t, '63')
})
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()))
  await t.close()
})

const receiver = async (...args: Parameters<typeof startReceiver>) => {
  const r = await startReceiver(...args)
  receivers.push(r)
  return r
}

const subscribe = async (url: string, events = ['*'], app = t) =>
  (await app.admin().post('/v1/webhooks').send({ url, events }).expect(201)).body as {
    id: string
    secret: string
  }

let heldOn = 0
const meeting = (app = t, unitRef = d.hamlet.code) =>
  app
    .admin()
    .post('/v1/meetings')
    .send({
      unitRef,
      format: 'forum',
      heldOn: `2018-05-${String((heldOn++ % 28) + 1).padStart(2, '0')}`,
      attendees: 10,
    })
    .expect(201)

const deliveries = async (id: string, app = t) =>
  (await app.admin().get(`/v1/webhooks/${id}/deliveries`).expect(200)).body.items as {
    id: string
    status: string
    attempts: number
    lastResponseStatus: number | null
    lastError: string | null
    eventType: string
  }[]

describe('webhook subscriptions', () => {
  it('creates (secret shown once), shows, lists, changes and deletes, all audited', async () => {
    const created = await t
      .admin()
      .post('/v1/webhooks')
      .send({ url: 'https://tinh.example.vn/antq', events: ['meeting.*'], description: 'Tỉnh' })
      .expect(201)
    expect(created.headers.location).toBe(`/v1/webhooks/${created.body.id}`)
    expect(created.body).toMatchObject({
      url: 'https://tinh.example.vn/antq',
      events: ['meeting.*'],
      enabled: true,
      scopeUnit: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    })
    const path = `/v1/webhooks/${created.body.id}`
    const shown = await t.admin().get(path).expect(200)
    expect(shown.body.secret).toBeUndefined()
    expect((await t.admin().get('/v1/webhooks').expect(200)).body.items).toContainEqual(shown.body)
    const patched = await t
      .admin()
      .patch(path)
      .set('if-match', shown.headers.etag!)
      .send({ events: ['meeting.created', 'unit.*'], enabled: false })
      .expect(200)
    expect(patched.body).toMatchObject({ enabled: false, disabledReason: expect.any(String) })
    await t
      .admin()
      .patch(path)
      .set('if-match', shown.headers.etag!)
      .send({ enabled: true })
      .expect(412)
    await t.admin().delete(path).expect(204)
    await t.admin().get(path).expect(404)
    const audit = await t.admin().get('/v1/audit-events?entity=webhook').expect(200)
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'create',
      'update',
      'delete',
    ])
    expect(JSON.stringify(audit.body)).not.toContain(created.body.secret)
  })

  it('creates one subscription for a creation sent twice with one Idempotency-Key', async () => {
    const send = () =>
      t
        .admin()
        .post('/v1/webhooks')
        .set('idempotency-key', 'tinh-89-hook-1')
        .send({ url: 'https://tinh.example.vn/again', events: ['*'] })
    const first = await send().expect(201)
    const again = await send().expect(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body).toEqual(first.body)
    const listed = (await t.admin().get('/v1/webhooks?limit=1000')).body.items as { url: string }[]
    expect(listed.filter((w) => w.url === 'https://tinh.example.vn/again')).toHaveLength(1)
  })

  it('refuses bad subscriptions with 400/422 and non-admins with 403, creating nothing', async () => {
    const before = (await t.admin().get('/v1/webhooks?limit=1000')).body.items.length
    const bad = [
      [{ url: 'ftp://x.vn/a', events: ['*'] }, 400],
      [{ url: 'not a url', events: ['*'] }, 400],
      [{ url: 'https://x.vn/a', events: [] }, 400],
      [{ url: 'https://x.vn/a', events: ['meeting.exploded'] }, 400],
      [{ url: 'https://x.vn/a', events: ['api-key.*'] }, 400],
      [{ url: 'https://user:pw@x.vn/a', events: ['*'] }, 422],
      [{ url: 'https://x.vn/a', events: ['*'], secret: 'mine' }, 400],
    ] as const
    for (const [body, status] of bad) {
      const response = await t.admin().post('/v1/webhooks').send(body).expect(status)
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    }
    const editor = await createKey(t, 'editor')
    await t
      .http()
      .post('/v1/webhooks')
      .set('authorization', `Bearer ${editor}`)
      .send({ url: 'https://x.vn/a', events: ['*'] })
      .expect(403)
    await t.admin().get('/v1/webhooks/00000000-0000-4000-8000-000000000000').expect(404)
    await t.admin().get('/v1/webhooks/nope').expect(400)
    expect((await t.admin().get('/v1/webhooks?limit=1000')).body.items).toHaveLength(before)
  })

  it('restricts targets to WEBHOOK_ALLOWED_HOSTS', async () => {
    const strict = await createTestApp({
      ...FAST,
      WEBHOOK_ALLOWED_HOSTS: 'tinh.example.vn,*.gov.vn',
    })
    try {
      const refused = await strict
        .admin()
        .post('/v1/webhooks')
        .send({ url: 'http://127.0.0.1:9/x', events: ['*'] })
        .expect(422)
      expect(refused.body.code).toBe('WEBHOOK_URL_NOT_ALLOWED')
      for (const url of ['https://tinh.example.vn/a', 'https://cand.gov.vn/a', 'https://gov.vn/a'])
        await strict
          .admin()
          .post('/v1/webhooks')
          .send({ url, events: ['*'] })
          .expect(201)
      await strict
        .admin()
        .post('/v1/webhooks')
        .send({ url: 'https://evilgov.vn/a', events: ['*'] })
        .expect(422)
    } finally {
      await strict.close()
    }
  })
})

describe('deliveries', () => {
  it('POSTs each wanted change once, signed as Standard Webhooks says', async () => {
    const r = await receiver()
    const hook = await subscribe(r.url, ['meeting.created'])
    const created = await meeting()
    await t
      .admin()
      .put(`/v1/units/${d.hamlet.code}/certifications/2018`)
      .send({ result: 'certified' })
      .expect(201)
    const [got] = await r.waitFor(1)
    const payload = new Webhook(hook.secret).verify(got!.body, got!.headers) as {
      type: string
      data: { entity: string; action: string; data: unknown }
    }
    expect(payload.type).toBe('meeting.created')
    expect(payload.data.data).toEqual(created.body)
    expect(got!.headers['content-type']).toBe('application/json')
    // A tampered body, or another secret, does not verify.
    expect(() =>
      new Webhook(hook.secret).verify(got!.body.replace('forum', 'other'), got!.headers),
    ).toThrow()
    const [delivery] = await eventually(
      () => deliveries(hook.id),
      (items) => items[0]?.status === 'succeeded',
    )
    expect(delivery).toMatchObject({
      id: got!.headers['webhook-id'],
      attempts: 1,
      lastResponseStatus: 204,
    })
    const shown = await t
      .admin()
      .get(`/v1/webhooks/${hook.id}/deliveries/${delivery!.id}`)
      .expect(200)
    expect(shown.body).toEqual(delivery)
    expect(shown.body.payload).toEqual(JSON.parse(got!.body))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(r.received).toHaveLength(1)
  })

  it('sends a report’s submission and acceptance, without its snapshot', async () => {
    const r = await receiver()
    const hook = await subscribe(r.url, ['report-submission.*'])
    const sent = await t
      .admin()
      .post('/v1/report-submissions')
      .send({ unitRef: d.commune.code, year: 2019 }) // a year the other tests write none of
      .expect(201)
    await t
      .admin()
      .post(`/v1/report-submissions/${sent.body.id}/accept`)
      .set('if-match', sent.headers.etag!)
      .send({})
      .expect(200)
    const got = await r.waitFor(2)
    const payloads = got.map(
      (g) =>
        new Webhook(hook.secret).verify(g.body, g.headers) as {
          type: string
          data: { entityId: string; data: Record<string, unknown> }
        },
    )
    // Deliveries go out side by side: they may arrive in either order.
    expect(payloads.map((p) => p.type).sort()).toEqual([
      'report-submission.accepted',
      'report-submission.submitted',
    ])
    const accepted = payloads.find((p) => p.type === 'report-submission.accepted')!
    expect(accepted.data.entityId).toBe(sent.body.id)
    expect(accepted.data.data).toMatchObject({ status: 'accepted', version: 1 })
    expect(accepted.data.data).not.toHaveProperty('snapshot')
  })

  it('rotates the secret: both sign for a while, so receivers switch without a gap', async () => {
    const r = await receiver()
    const created = await t
      .admin()
      .post('/v1/webhooks')
      .send({ url: r.url, events: ['meeting.created'] })
      .expect(201)
    const path = `/v1/webhooks/${created.body.id}`
    // The creation's ETag is the subscription's (the secret is not part of it).
    expect((await t.admin().get(path)).headers.etag).toBe(created.headers.etag)
    const rotated = await t
      .admin()
      .post(`${path}/rotate-secret`)
      .set('if-match', created.headers.etag!)
      .expect(200)
    expect(rotated.body.secret).toMatch(/^whsec_/)
    expect(rotated.body.secret).not.toBe(created.body.secret)
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(
      23 * 3600_000,
    )
    await t.admin().post(`${path}/rotate-secret`).set('if-match', created.headers.etag!).expect(412)
    await meeting()
    const [got] = await r.waitFor(1)
    expect(got!.headers['webhook-signature']!.split(' ')).toHaveLength(2)
    for (const secret of [created.body.secret, rotated.body.secret])
      expect(new Webhook(secret).verify(got!.body, got!.headers)).toMatchObject({
        type: 'meeting.created',
      })
    await t.admin().delete(path).expect(204)
  })

  it('retries after receiver errors with the same webhook-id until one succeeds', async () => {
    let calls = 0
    const r = await receiver(0, () => ({ status: ++calls <= 2 ? 503 : 200 }))
    const hook = await subscribe(r.url, ['meeting.*'])
    await meeting()
    const got = await r.waitFor(3)
    expect(new Set(got.map((g) => g.headers['webhook-id'])).size).toBe(1)
    expect(got[2]!.at - got[1]!.at).toBeGreaterThanOrEqual(40)
    const [delivery] = await eventually(
      () => deliveries(hook.id),
      (items) => items[0]?.status === 'succeeded',
    )
    expect(delivery).toMatchObject({ attempts: 3, lastResponseStatus: 200, lastError: null })
    const shown = await t.admin().get(`/v1/webhooks/${hook.id}`).expect(200)
    expect(shown.body).toMatchObject({ enabled: true, failingSince: null })
    const metrics = (await t.http().get('/metrics').expect(200)).text
    const count = (outcome: string) =>
      Number(
        new RegExp(`antq_webhook_delivery_attempts_total\\{outcome="${outcome}"\\} (\\d+)`).exec(
          metrics,
        )?.[1],
      )
    expect(count('failed')).toBeGreaterThanOrEqual(2)
    expect(count('succeeded')).toBeGreaterThanOrEqual(1)
  })

  it('delivers to a receiver that was down for a while, once it is back', async () => {
    const first = await receiver()
    const port = first.port
    const hook = await subscribe(first.url, ['meeting.*'])
    await first.close()
    await meeting()
    const failing = await eventually(
      () => deliveries(hook.id),
      (items) => (items[0]?.attempts ?? 0) >= 2 && items[0]?.status === 'pending',
    )
    expect(failing[0]).toMatchObject({ lastResponseStatus: null })
    expect(failing[0]!.lastError).toMatch(/not delivered/)
    expect((await t.admin().get(`/v1/webhooks/${hook.id}`)).body.failingSince).not.toBeNull()
    const back = await receiver(port)
    await back.waitFor(1)
    await eventually(
      () => deliveries(hook.id),
      (items) => items[0]?.status === 'succeeded',
    )
  })

  it('follows a redirect on the same host and refuses one to another host', async () => {
    const elsewhere = await receiver()
    const r = await receiver(0, (request) =>
      request.path === '/moved'
        ? { status: 200 }
        : request.path.startsWith('/hooks/away')
          ? { status: 307, headers: { location: `http://localhost:${elsewhere.port}/steal` } }
          : { status: 308, headers: { location: '/moved' } },
    )
    const same = await subscribe(r.url, ['meeting.*'])
    const away = await subscribe(`http://127.0.0.1:${r.port}/hooks/away`, ['meeting.*'])
    await meeting()
    await eventually(
      () => deliveries(same.id),
      (items) => items[0]?.status === 'succeeded',
    )
    const refused = await eventually(
      () => deliveries(away.id),
      (items) => (items[0]?.attempts ?? 0) >= 1 && items[0]?.status === 'pending',
    )
    expect(refused[0]!.lastError).toMatch(/redirect to another host/)
    expect(elsewhere.received).toHaveLength(0)
    await t.admin().delete(`/v1/webhooks/${away.id}`).expect(204)
  })

  it('does not let a paused subscription’s backlog hold back the others', async () => {
    const paused = await receiver()
    const stuck = await subscribe(paused.url, ['meeting.*'])
    await t.admin().patch(`/v1/webhooks/${stuck.id}`).send({ enabled: false }).expect(200)
    // More due deliveries than a batch takes, all of the paused subscription.
    await sql`insert into webhook_deliveries (webhook_id, change_id, event_type, payload, next_attempt_at)
      select ${stuck.id}::uuid, -n, 'meeting.created', '{}'::jsonb, now() - interval '1 minute'
      from generate_series(1, 120) n`.execute(t.database.db)
    const r = await receiver()
    await subscribe(r.url, ['meeting.created'])
    await meeting()
    await r.waitFor(1)
    expect(paused.received).toHaveLength(0)
    await t.admin().delete(`/v1/webhooks/${stuck.id}`).expect(204)
  })

  it('gives up on a receiver that does not answer within WEBHOOK_TIMEOUT_MS, and retries', async () => {
    const silent = createServer(() => undefined) // takes the request, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()))
    try {
      const port = (silent.address() as { port: number }).port
      const hook = await subscribe(`http://127.0.0.1:${port}/antq`, ['meeting.*'])
      await meeting()
      const [delivery] = await eventually(
        () => deliveries(hook.id),
        (items) => items[0]?.status === 'pending' && items[0].attempts >= 1,
      )
      expect(delivery!.lastError).toBe('not delivered: no answer within 2000 ms')
      await t.admin().delete(`/v1/webhooks/${hook.id}`).expect(204)
    } finally {
      silent.closeAllConnections()
      silent.close()
    }
  })

  it('does not hold back one receiver’s deliveries while another’s goes unanswered', async () => {
    // A receiver given longer than the test waits: were the delivery to it holding back the
    // others, the second receiver would wait for it and the test would fail.
    const slow = await createTestApp({ ...FAST, WEBHOOK_TIMEOUT_MS: String(2 * PATIENCE_MS) })
    const held: ServerResponse[] = []
    const silent = createServer((_request, response) => held.push(response))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()))
    try {
      const place = await createDistrict(slow, '65')
      const port = (silent.address() as { port: number }).port
      await subscribe(`http://127.0.0.1:${port}/antq`, ['meeting.*'], slow)
      await meeting(slow, place.hamlet.code)
      await eventually(
        async () => held.length,
        (count) => count >= 1,
      )
      // Subscribed now, it sees only the next change, which is due while the first attempt waits.
      const r = await receiver()
      await subscribe(r.url, ['meeting.*'], slow)
      const next = await meeting(slow, place.hamlet.code)
      const [got] = await r.waitFor(1)
      expect(JSON.parse(got!.body).data.entityId).toBe(next.body.id)
      expect(held.every((response) => !response.writableEnded)).toBe(true)
    } finally {
      silent.closeAllConnections()
      silent.close()
      await slow.close()
    }
  })

  it('sends a scoped key’s subscription only the changes in its subtree', async () => {
    const scopedAdmin = await createKey(t, 'admin', d.otherDistrict.id)
    const r = await receiver()
    const created = await t
      .http()
      .post('/v1/webhooks')
      .set('authorization', `Bearer ${scopedAdmin}`)
      .send({ url: r.url, events: ['meeting.created'] })
      .expect(201)
    expect(created.body.scopeUnit).toMatchObject({ id: d.otherDistrict.id })
    await meeting(t, d.hamlet.code)
    const inside = await meeting(t, d.otherCommune.code)
    const [got] = await r.waitFor(1)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(r.received).toHaveLength(1)
    expect(JSON.parse(got!.body).data.entityId).toBe(inside.body.id)
    // The scoped admin sees its own subscription only.
    const listed = await t
      .http()
      .get('/v1/webhooks')
      .set('authorization', `Bearer ${scopedAdmin}`)
      .expect(200)
    expect(listed.body.items.map((w: { id: string }) => w.id)).toEqual([created.body.id])
  })
})

describe('failing for the whole retry window', () => {
  it('marks the delivery failed, disables the subscription, and resumes on request', async () => {
    // The window is the default 24 hours; the delivery is made older than that in the database
    // once it has failed a first time, so the test does not race a clock on a busy machine.
    const district = await createDistrict(t, '64')
    let healthy = false
    const r = await receiver(0, () => ({ status: healthy ? 200 : 500 }))
    const hook = await subscribe(r.url, ['meeting.*'])
    await meeting(t, district.hamlet.code)
    const [first] = await eventually(
      () => deliveries(hook.id),
      (items) => (items[0]?.attempts ?? 0) >= 1 && items[0]?.status === 'pending',
    )
    // The subscription has failed since this delivery's first attempt: when the delivery runs
    // out of its window it fails for good and the subscription is disabled, even though the
    // subscription's failing started after the delivery was created.
    await sql`update webhook_deliveries
      set created_at = created_at - interval '25 hours', next_attempt_at = now()
      where id = ${first!.id}`.execute(t.database.db)
    const [failed] = await eventually(
      () => deliveries(hook.id),
      (items) => items[0]?.status === 'failed',
    )
    expect(failed!.attempts).toBeGreaterThanOrEqual(2)
    const disabled = await eventually(
      async () => (await t.admin().get(`/v1/webhooks/${hook.id}`)).body,
      (body) => body.enabled === false,
    )
    expect(disabled.disabledReason).toMatch(
      /failed for 24 hours; last error: receiver answered 500/,
    )
    // Disabled: a retry is refused, and new changes wait.
    const retryPath = `/v1/webhooks/${hook.id}/deliveries/${failed!.id}/retry`
    expect((await t.admin().post(retryPath).expect(409)).body.code).toBe('WEBHOOK_DISABLED')
    await meeting(t, district.hamlet.code)
    healthy = true
    const seen = r.received.length
    await t.admin().patch(`/v1/webhooks/${hook.id}`).send({ enabled: true }).expect(200)
    await r.waitFor(seen + 1)
    const retried = await t.admin().post(retryPath).expect(202)
    expect(retried.body).toMatchObject({ id: failed!.id, status: 'pending' })
    await eventually(
      () => deliveries(hook.id),
      (items) => items.length === 2 && items.every((i) => i.status === 'succeeded'),
    )
    await t
      .admin()
      .post(`/v1/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/retry`)
      .expect(404)
  })
})
