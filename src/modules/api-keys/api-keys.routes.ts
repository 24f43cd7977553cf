import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { askingOf, requireRole } from '../../http/caller.js'
import { sendTaggedUnlessMatched } from '../../http/etag.js'
import { listRoute } from '../../http/list-route.js'
import { problemResponses } from '../../http/problem.schema.js'
import { readResponses, sendNoContent } from '../../http/route-kit.js'
import {
  ApiKeyIdParams,
  ApiKeyListQuery,
  ApiKeyPage,
  ApiKeySchema,
  CreateApiKeyBody,
  CreatedApiKeySchema,
} from './api-keys.schemas.js'
import { type ApiKeysService, toApiKey } from './api-keys.service.js'

const tags = ['api-keys']

export const apiKeysRoutes: FastifyPluginAsyncTypebox<{
  service: ApiKeysService
}> = async (app, { service }) => {
  app.addHook('onRequest', requireRole('admin'))

  app.post('', {
    schema: {
      operationId: 'createApiKey',
      description:
        'Admin only. A key has a role (viewer < editor < admin) and may be confined to a unit’s subtree (`scope`). The answer holds the secret (`key`) once: it cannot be shown again.',
      tags,
      summary: 'Create an API key (its secret is shown once)',
      body: CreateApiKeyBody,
      response: { 201: CreatedApiKeySchema, ...problemResponses(403, 409, 422) },
    },
    handler: async (request, reply) => {
      const created = await service.create(request.body, askingOf(request))
      // No ETag: the representation holds the secret, which is never shown again.
      return reply.code(201).header('location', `/v1/api-keys/${created.id}`).send(created)
    },
  })

  listRoute(app, '', {
    operationId: 'listApiKeys',
    description:
      'Admin only. Each key with its role, scope unit, source and whether it is revoked; the secrets are never stored, only their hashes. `includeRevoked=true` lists revoked keys too.',
    tags,
    summary: 'List API keys, newest first (never their secrets)',
    querystring: ApiKeyListQuery,
    page: ApiKeyPage,
    errors: [403],
    cursor: 2,
    keyOf: (row): [string, string] => [row.created_at.toISOString(), row.id],
    rows: ({ query: { limit, includeRevoked }, caller }, after) =>
      service.list({ limit, includeRevoked, after }, caller),
    toItem: toApiKey,
  })

  app.get('/:id', {
    schema: {
      operationId: 'getApiKey',
      description: 'Admin only. The key’s role, scope, source and state, never its secret.',
      tags,
      summary: 'Show one API key',
      params: ApiKeyIdParams,
      response: readResponses(ApiKeySchema),
    },
    handler: async (request, reply) => {
      const apiKey = await service.find(request.params.id, request.caller)
      return sendTaggedUnlessMatched(request, reply, apiKey)
    },
  })

  app.delete('/:id', {
    schema: {
      operationId: 'revokeApiKey',
      description:
        'Admin only. The key stops working at once in this process and within seconds in others; it stays listed, revoked, and the audit keeps who revoked it.',
      tags,
      summary: 'Revoke an API key (it stops working at once; the record stays)',
      params: ApiKeyIdParams,
      response: {
        204: { description: 'Revoked', type: 'null' },
        ...problemResponses(403, 404),
      },
    },
    handler: async (request, reply) => {
      await service.revoke(request.params.id, askingOf(request))
      return sendNoContent(reply)
    },
  })
}
