import { hash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { preconditionFailed, preconditionRequired } from './errors.js'
import { sendJson } from './raw-json.js'

const etagOfJson = (json: string) => `"${hash('sha256', json, 'base64url').slice(0, 27)}"`

/** A strong ETag of a resource's JSON representation. */
export function etagOf(resource: unknown): string {
  return etagOfJson(JSON.stringify(resource))
}

/**
 * Sends a resource with its ETag. The JSON is made once: the ETag is the hash of exactly the bytes
 * sent (serialising it a second time for the reply cost as much as the rest of a read).
 * The resource must be what the route's response schema describes (a module's mapper output).
 */
export function sendTagged(reply: FastifyReply, resource: unknown): FastifyReply {
  const json = JSON.stringify(resource)
  return sendJson(reply.header('etag', etagOfJson(json)), json)
}

/** A read: 304 when the client's If-None-Match already names the current ETag, else the resource. */
export function sendTaggedUnlessMatched(
  request: FastifyRequest,
  reply: FastifyReply,
  resource: unknown,
): FastifyReply {
  const json = JSON.stringify(resource)
  const etag = etagOfJson(json)
  void reply.header('etag', etag)
  if (listed(request.headers['if-none-match'], etag)) return reply.code(304).send()
  return sendJson(reply, json)
}

function listed(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((tag) => {
    const t = tag.trim()
    return t === '*' || t === etag || t === `W/${etag}`
  })
}

/** Throws 412 when an If-Match header is present and does not name the current ETag. */
export function assertIfMatch(header: string | undefined, currentEtag: string): void {
  if (header !== undefined && !listed(header, currentEtag)) {
    throw preconditionFailed(
      `If-Match ${header} does not match the current ETag ${currentEtag}; fetch the resource again.`,
    )
  }
}

export interface Preconditions {
  ifMatch?: string | undefined
  ifNoneMatch?: string | undefined
}

/** A change to a record found (and scope-checked) before: applied only if If-Match still holds. */
export interface ConditionalChange<Row, Body> {
  found: Row
  body: Body
  ifMatch: string | undefined
}

/** A deletion of a record found before, under the same condition. */
export interface ConditionalRemoval<Row> {
  found: Row
  ifMatch: string | undefined
}

/** The conditional headers of a request. */
export function preconditionsOf(request: FastifyRequest): Preconditions {
  const header = (name: string) => {
    const value = request.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }
  return { ifMatch: header('if-match'), ifNoneMatch: header('if-none-match') }
}

/**
 * The preconditions of a PUT that creates or replaces: `If-None-Match: *` makes it create-only;
 * replacing needs `If-Match` with the current ETag (428 without, 412 on mismatch), except when the
 * body changes nothing, so that a plain retry of a PUT stays harmless.
 */
export function assertPutPreconditions(
  headers: Preconditions,
  currentEtag: string | undefined,
  unchanged: boolean,
): void {
  if (currentEtag === undefined) {
    if (headers.ifMatch !== undefined)
      throw preconditionFailed('If-Match was sent but there is no record to match; it is new.')
    return
  }
  if (headers.ifNoneMatch !== undefined && listed(headers.ifNoneMatch, currentEtag))
    throw preconditionFailed(
      `The record already exists (ETag ${currentEtag}); If-None-Match asked to create only.`,
    )
  if (unchanged && headers.ifMatch === undefined) return
  if (headers.ifMatch === undefined)
    throw preconditionRequired(
      'The record exists: send If-Match with its ETag to replace it, so that no other change is overwritten.',
    )
  assertIfMatch(headers.ifMatch, currentEtag)
}

/**
 * The compare half of an atomic compare-and-write: `lockedRead` reads the row FOR UPDATE in the
 * writing transaction, and If-Match is checked against what it holds now, so that of concurrent
 * writers carrying one ETag exactly one succeeds and the others get 412. Returns the locked row,
 * the `before` of the write.
 */
export async function lockMatching<Row>(
  lockedRead: Promise<Row | undefined>,
  ifMatch: string | undefined,
  represent: (row: Row) => unknown,
  options: { required?: boolean } = {},
): Promise<Row> {
  if (options.required && ifMatch === undefined)
    throw preconditionRequired(
      'Send If-Match with the record’s ETag, so that no other change is overwritten.',
    )
  const row = await lockedRead
  // Deleted by a concurrent writer since the caller read it: its ETag names a state gone.
  if (!row) throw preconditionFailed('The record was deleted meanwhile; fetch it again.')
  assertIfMatch(ifMatch, etagOf(represent(row)))
  return row
}
