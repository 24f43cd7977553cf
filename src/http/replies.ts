// The answers every write gives the same way: a new resource is 201 with its Location and ETag;
// a PUT is 201 (with Location) when it created the record and 200 when it replaced or kept it.
import type { FastifyReply } from 'fastify'
import { sendTagged } from './etag.js'

export function created<T>(reply: FastifyReply, location: string, resource: T) {
  return sendTagged(reply.code(201).header('location', location), resource)
}

export function putAnswer<T>(
  reply: FastifyReply,
  wasCreated: boolean,
  location: string,
  resource: T,
) {
  if (wasCreated) return created(reply, location, resource)
  return sendTagged(reply, resource)
}
