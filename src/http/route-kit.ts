// The parts of an operation that every resource declares and answers the same way, written once:
// the responses of a read by ETag, of a PUT that creates or replaces and of a deletion under
// If-Match, and what a DELETE handler passes on to its service.
import type { FastifyReply } from 'fastify'
import type { TSchema } from 'typebox'
import type { ConditionalRemoval } from './etag.js'
import { NotModified } from './precondition-schemas.js'
import { problemResponses } from './problem.schema.js'

/** GET of one resource: 200 with its ETag, 304 when If-None-Match already names it. */
export const readResponses = <T extends TSchema>(resource: T) => ({
  200: resource,
  ...NotModified,
  ...problemResponses(403, 404),
})

/** A PUT that creates (201) or replaces (200), under If-Match or `If-None-Match: *`. */
/** A PUT of a record: 409 when another writer got in between, or an accepted report locks it. */
export const putResponses = <T extends TSchema>(resource: T) => ({
  200: resource,
  201: resource,
  ...problemResponses(403, 404, 409, 412, 422, 428),
})

/**
 * A deletion (or withdrawal) under If-Match: 204 without a body, 412 when the ETag is stale;
 * `more` are the operation's other error statuses.
 */
export const noContentResponses = (description: string, ...more: number[]) => ({
  204: { description, type: 'null' },
  ...problemResponses(403, 404, 412, ...more),
})

/** The answer of a deletion done: 204, no body. */
export const sendNoContent = (reply: FastifyReply) => reply.code(204).send(null)

interface ConditionalRequest {
  headers: { 'if-match'?: string | undefined }
}

/** What a DELETE (or another change without a body) asks of `found`: only if If-Match still names it. */
export const removalAsked = <Row>(
  request: ConditionalRequest,
  found: Row,
): ConditionalRemoval<Row> => ({ found, ifMatch: request.headers['if-match'] })
