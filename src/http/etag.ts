import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { preconditionFailed } from './errors.js'

/** A strong ETag of a resource's JSON representation. */
export function etagOf(resource: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(resource)).digest('base64url').slice(0, 27)}"`
}

function listed(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((tag) => {
    const t = tag.trim()
    return t === '*' || t === etag || t === `W/${etag}`
  })
}

/** Sets the ETag; answers true (after sending 304) when the client's If-None-Match already has it. */
export function replyNotModified(
  request: FastifyRequest,
  reply: FastifyReply,
  etag: string,
): boolean {
  void reply.header('etag', etag)
  if (!listed(request.headers['if-none-match'], etag)) return false
  void reply.code(304).send()
  return true
}

/** Throws 412 when If-Match is present and does not name the current ETag. */
export function assertIfMatch(request: FastifyRequest, currentEtag: string): void {
  const header = request.headers['if-match']
  if (header !== undefined && !listed(header, currentEtag)) {
    throw preconditionFailed(
      `If-Match ${header} does not match the current ETag ${currentEtag}; fetch the resource again.`,
    )
  }
}
