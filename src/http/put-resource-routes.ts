// The PUT, GET and DELETE of a resource its path names, created and replaced by PUT (a unit's
// record for a year or a period), which every such resource answers the same way: PUT passes the
// request's preconditions to the service and answers 201 with the Location of what it created or
// 200 with what it replaced or kept, GET sends the resource with its ETag (304 when the client
// holds it already), DELETE passes If-Match to the service, which compares it in the writing
// transaction.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { Static, TSchema } from 'typebox'
import { type Asking, askingOf } from './caller.js'
import { type Preconditions, preconditionsOf, sendTaggedUnlessMatched } from './etag.js'
import { IfMatchHeaders, PutPreconditionHeaders } from './precondition-schemas.js'
import { putAnswer } from './replies.js'
import type { Addressed, OperationDoc } from './resource-routes.js'
import { noContentResponses, putResponses, readResponses, sendNoContent } from './route-kit.js'

type App = Parameters<FastifyPluginAsyncTypebox>[0]

/** What a PUT's service has written: whether it created the resource, and where it now is. */
export interface PutDone<Resource> {
  created: boolean
  resource: Resource
  location: string
}

export interface PutResourceRoutes<
  P extends TSchema,
  Q extends TSchema,
  B extends TSchema,
  DQ extends TSchema,
  Resource,
> {
  tags: string[]
  params: P
  /** Query parameters of the PUT and the GET (and of the DELETE unless it has its own). */
  querystring: Q
  resource: TSchema
  /** The PUT's and DELETE's onRequest check (a role). */
  writers: (request: FastifyRequest) => Promise<void>
  put: OperationDoc & {
    body: B
    apply: (
      put: Addressed<P, Q> & { body: Static<B>; preconditions: Preconditions },
      asking: Asking,
    ) => Promise<PutDone<Resource>>
  }
  get: OperationDoc & {
    /** The resource, or 404. */
    find: (request: Addressed<P, Q>) => Promise<Resource>
  }
  delete: OperationDoc & {
    querystring?: DQ
    /** What the 204 says was done: `Deleted`, `Withdrawn`. */
    done: string
    apply: (
      removal: Addressed<P, DQ> & { ifMatch: string | undefined },
      asking: Asking,
    ) => Promise<unknown>
  }
}

/** Registers PUT, GET and DELETE of the resource at `url` (a path with its parameters). */
export function putResourceRoutes<
  P extends TSchema,
  Q extends TSchema,
  B extends TSchema,
  Resource,
  DQ extends TSchema = Q,
>(app: App, url: string, spec: PutResourceRoutes<P, Q, B, DQ, Resource>) {
  const { tags, params, querystring, resource, writers } = spec
  const addressed = <S extends TSchema>(request: FastifyRequest): Addressed<P, S> => ({
    params: request.params as Static<P>,
    query: request.query as Static<S>,
    caller: request.caller,
  })

  app.put(url, {
    onRequest: writers,
    schema: {
      operationId: spec.put.operationId,
      tags,
      summary: spec.put.summary,
      description: spec.put.description,
      params,
      querystring,
      headers: PutPreconditionHeaders,
      body: spec.put.body,
      response: putResponses(resource),
    },
    handler: async (request, reply) => {
      const put = {
        ...addressed<Q>(request),
        body: request.body as Static<B>,
        preconditions: preconditionsOf(request),
      }
      const { created, location, ...done } = await spec.put.apply(put, askingOf(request))
      return putAnswer(reply, created, location, done.resource)
    },
  })

  app.get(url, {
    schema: {
      operationId: spec.get.operationId,
      description: spec.get.description,
      tags,
      summary: spec.get.summary,
      params,
      querystring,
      response: readResponses(resource),
    },
    handler: async (request, reply) =>
      sendTaggedUnlessMatched(request, reply, await spec.get.find(addressed<Q>(request))),
  })

  app.delete(url, {
    onRequest: writers,
    schema: {
      operationId: spec.delete.operationId,
      description: spec.delete.description,
      tags,
      summary: spec.delete.summary,
      params,
      querystring: spec.delete.querystring ?? querystring,
      headers: IfMatchHeaders,
      // 409: an accepted report locks the record.
      response: noContentResponses(spec.delete.done, 409),
    },
    handler: async (request, reply) => {
      const removal = { ...addressed<DQ>(request), ifMatch: request.headers['if-match'] }
      await spec.delete.apply(removal, askingOf(request))
      return sendNoContent(reply)
    },
  })
}
