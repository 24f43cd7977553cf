// The read, change and deletion of one resource at a path, which every resource that is changed
// with PATCH and deleted answers the same way: GET sends it with its ETag (304 when the client
// holds it already), PATCH and DELETE pass the record found and the request's If-Match to the
// service, which compares them in the writing transaction (lockMatching).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { Static, TSchema } from 'typebox'
import { type Asking, type Caller, askingOf } from './caller.js'
import {
  type ConditionalChange,
  type ConditionalRemoval,
  sendTagged,
  sendTaggedUnlessMatched,
} from './etag.js'
import { IfMatchHeaders, IfMatchRequiredHeaders } from './precondition-schemas.js'
import { problemResponses } from './problem.schema.js'
import { noContentResponses, readResponses, removalAsked, sendNoContent } from './route-kit.js'

type App = Parameters<FastifyPluginAsyncTypebox>[0]
type Access = 'read' | 'write'

/** The words an operation is documented with. */
export interface OperationDoc {
  operationId: string
  summary: string
  description: string
}

/** What `find` is given of a request: the path and query parameters, and who asks. */
export interface Addressed<P extends TSchema, Q extends TSchema> {
  params: Static<P>
  query: Static<Q>
  caller: Caller | null
}

export interface ResourceRoutes<
  P extends TSchema,
  Q extends TSchema,
  B extends TSchema,
  Row,
  Resource,
> {
  tags: string[]
  params: P
  /** Query parameters of all three operations (the date a code in the path resolves at). */
  querystring?: Q
  resource: TSchema
  /** The PATCH's and DELETE's onRequest check (a role), where the plugin does not check every route. */
  writers?: (request: FastifyRequest) => Promise<void>
  /** The stored record the request names, or 404 (403 outside the key's scope for a write). */
  find: (request: Addressed<P, Q>, access: Access) => Promise<Row>
  /** The record as GET shows it, and as its ETag is computed. */
  show: (row: Row) => Resource
  get: OperationDoc
  patch: OperationDoc & {
    body: B
    /** `required`: 428 without If-Match; `checked`: compared when sent. */
    ifMatch: 'required' | 'checked'
    /** Error statuses besides 403, 404, 412, 422 (and 428 when If-Match is required). */
    errors?: number[]
    apply: (change: ConditionalChange<Row, Static<B>>, asking: Asking) => Promise<Resource>
  }
  delete: OperationDoc & {
    /** Error statuses besides 403, 404 and 412. */
    errors?: number[]
    apply: (removal: ConditionalRemoval<Row>, asking: Asking) => Promise<unknown>
  }
}

/** Registers GET, PATCH and DELETE of the resource at `url` (a path with its parameters). */
export function resourceRoutes<
  P extends TSchema,
  Q extends TSchema,
  B extends TSchema,
  Row,
  Resource,
>(app: App, url: string, spec: ResourceRoutes<P, Q, B, Row, Resource>) {
  const { tags, params, querystring, find, show } = spec
  const addressed = (request: FastifyRequest): Addressed<P, Q> => ({
    params: request.params as Static<P>,
    query: request.query as Static<Q>,
    caller: request.caller,
  })
  const parameters = { params, ...(querystring ? { querystring } : {}) }
  const writers = spec.writers ? { onRequest: spec.writers } : {}
  const document = ({ operationId, description, summary }: OperationDoc) => ({
    operationId,
    description,
    tags,
    summary,
  })

  app.get(url, {
    schema: { ...document(spec.get), ...parameters, response: readResponses(spec.resource) },
    handler: async (request, reply) =>
      sendTaggedUnlessMatched(request, reply, show(await find(addressed(request), 'read'))),
  })

  const { ifMatch, body } = spec.patch
  app.patch(url, {
    ...writers,
    schema: {
      ...document(spec.patch),
      ...parameters,
      headers: ifMatch === 'required' ? IfMatchRequiredHeaders : IfMatchHeaders,
      body,
      response: {
        200: spec.resource,
        ...problemResponses(
          403,
          404,
          412,
          422,
          ...(ifMatch === 'required' ? [428] : []),
          ...(spec.patch.errors ?? []),
        ),
      },
    },
    handler: async (request, reply) => {
      const found = await find(addressed(request), 'write')
      const change = {
        found,
        body: request.body as Static<B>,
        ifMatch: request.headers['if-match'],
      }
      return sendTagged(reply, await spec.patch.apply(change, askingOf(request)))
    },
  })

  app.delete(url, {
    ...writers,
    schema: {
      ...document(spec.delete),
      ...parameters,
      headers: IfMatchHeaders,
      response: noContentResponses('Deleted', ...(spec.delete.errors ?? [])),
    },
    handler: async (request, reply) => {
      const found = await find(addressed(request), 'write')
      await spec.delete.apply(removalAsked(request, found), askingOf(request))
      return sendNoContent(reply)
    },
  })
}
