// Replies whose JSON is already written (hashed for an ETag, or built by the database): sent as
// it is, not serialised again. The text must be what the route's response schema describes.
import type { FastifyReply } from 'fastify'

export function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json)
}
