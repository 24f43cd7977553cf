// Who is calling: every request under /v1 carries `Authorization: Bearer <key>`. The bootstrap
// ADMIN_API_KEY is compared in constant time and needs no database; other keys are looked up
// by their hash.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { forbidden, unauthorized } from '../../http/errors.js'
import type { Actor } from '../audit/index.js'
import type { ApiKeysRepository } from './api-keys.repository.js'
import type { Role } from './api-keys.schemas.js'
import { hashKey } from './api-keys.secrets.js'

export interface Principal {
  keyId: string | null
  name: string
  role: Role
  scopeUnitId: string | null
  /** The sending system: what a meeting's externalId is unique within. */
  source: string
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 }

function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
  return match?.[1]
}

/** Adds the onRequest hook that authenticates every route of `scope` (the /v1 plugin). */
export function authenticateAll(
  scope: FastifyInstance,
  keys: ApiKeysRepository,
  adminApiKey: string | undefined,
) {
  const adminHash = adminApiKey ? Buffer.from(hashKey(adminApiKey), 'hex') : undefined
  scope.decorateRequest('principal', null)
  scope.addHook('onRequest', async (request) => {
    const token = bearerToken(request)
    if (!token) throw unauthorized('Send an API key as `Authorization: Bearer <key>`.')
    const hash = hashKey(token)
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hash, 'hex'))) {
      request.principal = {
        keyId: null,
        name: 'ADMIN_API_KEY',
        role: 'admin',
        scopeUnitId: null,
        source: 'admin-api-key',
      }
      return
    }
    const row = await keys.findActiveByHash(hash)
    if (!row) throw unauthorized('The API key is unknown or revoked.')
    request.principal = {
      keyId: row.id,
      name: row.name,
      role: row.role,
      scopeUnitId: row.scope_unit_id,
      source: row.source ?? row.id,
    }
  })
}

/** Route-level onRequest hook: 403 unless the caller's role is at least `role`. */
export function requireRole(role: Role): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const principal = request.principal
    if (!principal || RANK[principal.role] < RANK[role]) {
      throw forbidden(`This needs the ${role} role; the key has ${principal?.role ?? 'none'}.`)
    }
  }
}

export function actorOf(request: FastifyRequest): Actor {
  return {
    keyId: request.principal?.keyId ?? null,
    name: request.principal?.name ?? 'anonymous',
    requestId: request.id,
  }
}
