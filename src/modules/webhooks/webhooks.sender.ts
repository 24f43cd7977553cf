// One attempt at one delivery: the Standard Webhooks headers signed with the subscription's secret
// (the `standardwebhooks` package), a timeout, and redirects followed only within the same origin
// (a redirect elsewhere would send a signed record to a host nobody subscribed).
import { Webhook } from 'standardwebhooks'
import { hostAllowed } from './webhooks.targets.js'

export interface Attempt {
  /** The delivery's id: `webhook-id`, the same on every retry. */
  id: string
  url: string
  /** Each signs: the current secret, and the previous one for a while after a rotation. */
  secrets: readonly string[]
  body: string
}

export type AttemptResult =
  { ok: true; status: number } | { ok: false; status: number | null; error: string }

const MAX_REDIRECTS = 3

export async function attemptDelivery(
  attempt: Attempt,
  options: { timeoutMs: number; allowedHosts: readonly string[] },
): Promise<AttemptResult> {
  const origin = new URL(attempt.url)
  if (!hostAllowed(origin, options.allowedHosts))
    return {
      ok: false,
      status: null,
      error: `host ${origin.hostname} is not in WEBHOOK_ALLOWED_HOSTS`,
    }
  const sentAt = new Date()
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'antq-api-webhooks',
    'webhook-id': attempt.id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    // Several signatures, space-separated, as the specification allows during a rotation.
    'webhook-signature': attempt.secrets
      .map((secret) => new Webhook(secret).sign(attempt.id, sentAt, attempt.body))
      .join(' '),
  }
  const signal = AbortSignal.timeout(options.timeoutMs)
  let url = origin
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: attempt.body,
        redirect: 'manual',
        signal,
      })
      // The receiver's answer is not read: only its status counts.
      await response.body?.cancel().catch(() => undefined)
      const location = response.headers.get('location')
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, url)
        if (next.origin !== origin.origin)
          return {
            ok: false,
            status: response.status,
            error: `redirect to another host (${next.host}) not followed`,
          }
        if (hop >= MAX_REDIRECTS)
          return { ok: false, status: response.status, error: 'too many redirects' }
        url = next
        continue
      }
      if (response.status >= 200 && response.status < 300)
        return { ok: true, status: response.status }
      return { ok: false, status: response.status, error: `receiver answered ${response.status}` }
    }
  } catch (error) {
    const reason = signal.aborted
      ? `no answer within ${options.timeoutMs} ms`
      : ((error as { cause?: { code?: string; message?: string } }).cause?.code ??
        (error as { cause?: { message?: string } }).cause?.message ??
        (error as Error).message)
    return { ok: false, status: null, error: `not delivered: ${reason}` }
  }
}
