import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

// A caller's x-request-id is kept when it looks like an id, so a request can be followed across
// systems; anything else (too long, odd characters that could forge log lines) is replaced.
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/

export function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers['x-request-id']
  return typeof sent === 'string' && ACCEPTABLE.test(sent) ? sent : randomUUID()
}
