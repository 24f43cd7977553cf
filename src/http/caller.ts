// Who is calling, resolved once per request and passed on as one object: every request under /v1
// carries `Authorization: Bearer <key>`; how a key is looked up is the api-keys module's business
// (it hands `authenticate` a lookup). Roles rank viewer < editor < admin; a scope confines a key
// to a unit's subtree.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { forbidden, unauthorized } from './errors.js'

export const ROLES = ['viewer', 'editor', 'admin'] as const
export type Role = (typeof ROLES)[number]

export interface Caller {
  keyId: string | null
  name: string
  role: Role
  scopeUnitId: string | null
  /** The sending system: what a meeting's externalId is unique within. */
  source: string
}

/** Who a write is recorded against in the audit (a caller, or a command-line tool). */
export interface Actor {
  keyId: string | null
  name: string
  requestId: string | null
}

/** The caller a bearer token stands for, or null when it is unknown or revoked. */
export type CallerLookup = (token: string) => Promise<Caller | null>

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null
  }
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 }

function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
  return match?.[1]
}

/** Adds the onRequest hook that authenticates every route of `scope` (the /v1 plugin). */
export function authenticate(scope: FastifyInstance, lookup: CallerLookup) {
  scope.decorateRequest('caller', null)
  scope.addHook('onRequest', async (request) => {
    const token = bearerToken(request)
    if (!token) throw unauthorized('Send an API key as `Authorization: Bearer <key>`.')
    const caller = await lookup(token)
    if (!caller) throw unauthorized('The API key is unknown or revoked.')
    request.caller = caller
  })
}

/** Route-level onRequest hook: 403 unless the caller's role is at least `role`. */
export function requireRole(role: Role): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const caller = request.caller
    if (!caller || RANK[caller.role] < RANK[role]) {
      throw forbidden(`This needs the ${role} role; the key has ${caller?.role ?? 'none'}.`)
    }
  }
}

export function actorOf(request: FastifyRequest): Actor {
  return {
    keyId: request.caller?.keyId ?? null,
    name: request.caller?.name ?? 'anonymous',
    requestId: request.id,
  }
}

/**
 * What a service is told of who asks, as one argument: the caller (its role and scope decide what
 * it may see and touch) and the actor the audit records.
 */
export interface Asking {
  caller: Caller | null
  actor: Actor
}

export function askingOf(request: FastifyRequest): Asking {
  return { caller: request.caller, actor: actorOf(request) }
}
