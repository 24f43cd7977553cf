// The POST that creates a resource in a collection, which every such collection answers the same
// way: editors only, an Idempotency-Key replays the first answer, and the resource created comes
// back as 201 with its Location and ETag. It is refused outside the key's scope (403), when it
// names a unit that does not exist (404), when it is there already (409) or breaks a rule (422).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Static, TSchema } from 'typebox'
import { type Asking, askingOf, requireRole } from './caller.js'
import { IdempotencyHeaders } from './idempotency.js'
import { problemResponses } from './problem.schema.js'
import { created } from './replies.js'
import type { OperationDoc } from './resource-routes.js'

type App = Parameters<FastifyPluginAsyncTypebox>[0]

export interface CreationRoute<B extends TSchema, Resource> extends OperationDoc {
  tags: string[]
  body: B
  resource: TSchema
  create: (body: Static<B>, asking: Asking) => Promise<Resource>
  /** Where the resource created is read (its Location). */
  locationOf: (resource: Resource) => string
}

/** Registers POST `url`, which creates what `spec` describes. */
export function creationRoute<B extends TSchema, Resource>(
  app: App,
  url: string,
  spec: CreationRoute<B, Resource>,
) {
  const { operationId, description, tags, summary, body } = spec
  app.post(url, {
    onRequest: requireRole('editor'),
    config: { idempotent: true },
    schema: {
      operationId,
      description,
      tags,
      summary,
      headers: IdempotencyHeaders,
      body,
      response: { 201: spec.resource, ...problemResponses(403, 404, 409, 422) },
    },
    handler: async (request, reply) => {
      const resource = await spec.create(request.body as Static<B>, askingOf(request))
      return created(reply, spec.locationOf(resource), resource)
    },
  })
}
