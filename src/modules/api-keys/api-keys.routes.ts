import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { forbidden, notFound, unprocessable } from '../../http/errors.js'
import { replyNotModified, etagOf } from '../../http/etag.js'
import { decodeCursor, toPage } from '../../http/pagination.js'
import { problemResponses } from '../../http/problem.schema.js'
import { recordAudit } from '../audit/index.js'
import type { UnitsService } from '../units/index.js'
import { type ApiKeyRow, createApiKeysRepository } from './api-keys.repository.js'
import {
  type ApiKey,
  ApiKeyIdParams,
  ApiKeyListQuery,
  ApiKeyPage,
  ApiKeySchema,
  CreateApiKeyBody,
  CreatedApiKeySchema,
} from './api-keys.schemas.js'
import { generateKey, hashKey, keyPrefix } from './api-keys.secrets.js'
import { type Caller, actorOf, requireRole } from '../../http/caller.js'

const tags = ['api-keys']

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    scope: row.scope_unit_id,
    source: row.source ?? row.id,
    keyPrefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  }
}

export const apiKeysRoutes: FastifyPluginAsyncTypebox<{
  db: Kysely<DB>
  units: UnitsService
}> = async (app, { db, units }) => {
  const keys = createApiKeysRepository(db)
  app.addHook('onRequest', requireRole('admin'))

  /**
   * What a scoped admin may manage: keys scoped inside its own subtree, never an unscoped key or
   * one scoped elsewhere (those read as keys that do not exist).
   */
  async function manageable(
    row: ApiKeyRow | undefined,
    caller: Caller | null,
    tx: Kysely<DB> = db,
  ) {
    if (!row) return undefined
    const scopePath = await units.scopePathOf(caller, tx)
    if (scopePath === null) return row
    if (row.scope_unit_id === null) return undefined
    const scope = await units.repository.findById(row.scope_unit_id, tx)
    return scope && units.inScope(scope, scopePath) ? row : undefined
  }

  /** The new key's scope: inside a scoped admin's subtree (its own scope when none is given). */
  async function scopeFor(requested: string | null | undefined, caller: Caller | null) {
    const own = caller?.scopeUnitId ?? null
    if (requested === undefined) return own
    if (requested === null) {
      if (own === null) return null
      throw forbidden(
        'A scoped admin cannot create a key without a scope: give a unit inside its own subtree.',
        'OUT_OF_SCOPE',
      )
    }
    const unit = await units.repository.findById(requested.toLowerCase())
    if (!unit)
      throw unprocessable('UNKNOWN_SCOPE_UNIT', `No unit ${requested} to scope the key to.`, [
        { pointer: '/scope', code: 'UNKNOWN_SCOPE_UNIT', detail: 'is not a unit id' },
      ])
    if (!units.inScope(unit, await units.scopePathOf(caller)))
      throw forbidden(
        `Unit ${requested} is outside this key's scope: a scoped admin creates keys inside its own subtree.`,
        'OUT_OF_SCOPE',
      )
    return unit.id
  }

  app.post('', {
    schema: {
      operationId: 'createApiKey',
      tags,
      summary: 'Create an API key (its secret is shown once)',
      body: CreateApiKeyBody,
      response: { 201: CreatedApiKeySchema, ...problemResponses(403, 409, 422) },
    },
    handler: async (request, reply) => {
      const scope = await scopeFor(request.body.scope, request.caller)
      const key = generateKey()
      const actor = actorOf(request)
      const created = await db.transaction().execute(async (tx) => {
        const row = await keys.insert(
          {
            name: request.body.name.normalize('NFC').trim(),
            role: request.body.role,
            scope_unit_id: scope,
            source: request.body.source ?? null,
            key_hash: hashKey(key),
            key_prefix: keyPrefix(key),
            created_by: actor.keyId,
          },
          tx,
        )
        const apiKey = toApiKey(row)
        await recordAudit(tx, actor, {
          action: 'create',
          entity: 'api-key',
          entityId: row.id,
          after: apiKey,
        })
        return apiKey
      })
      return reply
        .code(201)
        .header('location', `/v1/api-keys/${created.id}`)
        .send({ ...created, key })
    },
  })

  app.get('', {
    schema: {
      operationId: 'listApiKeys',
      tags,
      summary: 'List API keys, newest first (never their secrets)',
      querystring: ApiKeyListQuery,
      response: { 200: ApiKeyPage, ...problemResponses(403) },
    },
    handler: async (request) => {
      const { limit, cursor, includeRevoked } = request.query
      const after = cursor ? (decodeCursor(cursor, 2) as [string, string]) : undefined
      const scopePath = await units.scopePathOf(request.caller)
      const rows = await keys.list({
        limit,
        includeRevoked,
        scopePath,
        ...(after ? { after } : {}),
      })
      return toPage(rows, limit, toApiKey, (row) => [row.created_at.toISOString(), row.id])
    },
  })

  app.get('/:id', {
    schema: {
      operationId: 'getApiKey',
      tags,
      summary: 'Show one API key',
      params: ApiKeyIdParams,
      response: {
        200: ApiKeySchema,
        304: { description: 'Not modified', type: 'null' },
        ...problemResponses(403, 404),
      },
    },
    handler: async (request, reply) => {
      const row = await manageable(await keys.findById(request.params.id), request.caller)
      if (!row) throw notFound(`No API key ${request.params.id}.`)
      const apiKey = toApiKey(row)
      if (replyNotModified(request, reply, etagOf(apiKey))) return reply
      return apiKey
    },
  })

  app.delete('/:id', {
    schema: {
      operationId: 'revokeApiKey',
      tags,
      summary: 'Revoke an API key (it stops working at once; the record stays)',
      params: ApiKeyIdParams,
      response: {
        204: { description: 'Revoked', type: 'null' },
        ...problemResponses(403, 404),
      },
    },
    handler: async (request, reply) => {
      const { id } = request.params
      await db.transaction().execute(async (tx) => {
        const before = await manageable(await keys.findById(id, tx), request.caller, tx)
        if (!before) throw notFound(`No API key ${id}.`)
        const revoked = await keys.revoke(id, tx)
        // Revoking twice is not an error: the key is revoked either way.
        if (revoked) {
          await recordAudit(tx, actorOf(request), {
            action: 'revoke',
            entity: 'api-key',
            entityId: id,
            before: toApiKey(before),
            after: toApiKey(revoked),
          })
        }
      })
      return reply.code(204).send(null)
    },
  })
}
