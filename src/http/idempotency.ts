// Idempotency-Key on POST: a retry with the same key and body gets the first response again
// (with `idempotent-replayed: true`); the same key with another body is refused (422). Keys are
// per API key and kept 24 hours (then swept). Only successful responses are kept: after an error nothing was
// written, so a retry runs again. Routes opt in with `config: { idempotent: true }`.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Kysely, sql } from 'kysely'
import Type from 'typebox'
import type { DB } from '../db/schema.js'
import { badRequest, conflict, unprocessable } from './errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotent?: boolean
  }
  interface FastifyRequest {
    idempotency: { principal: string; key: string } | null
  }
}

/** A first request still running is assumed dead after this long, and its key taken over. */
const IN_PROGRESS_TIMEOUT = '60 seconds'
const RETENTION = '24 hours'
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'] as const

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7E]+$',
      description:
        'A unique key per intended write (e.g. a UUID). A retry with the same key and body replays the first response; the same key with another body is refused (422). Kept 24 hours.',
    }),
  ),
})

/** JSON with object keys sorted, so that the same body always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

const requestHash = (request: FastifyRequest) =>
  createHash('sha256')
    .update(`${request.method} ${request.url}\n${canonicalJson(request.body)}`)
    .digest('hex')

/** Deletes the keys past their retention: a scheduled task, run by one process at a time. */
export const sweepIdempotencyKeys = async (db: Kysely<DB>) =>
  Number(
    (
      await db
        .deleteFrom('idempotency_keys')
        .where('created_at', '<', sql<Date>`now() - ${RETENTION}::interval`)
        .executeTakeFirst()
    ).numDeletedRows,
  )

export function registerIdempotency(scope: FastifyInstance, db: Kysely<DB>) {
  scope.decorateRequest('idempotency', null)

  const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key']
    if (key === undefined) return
    if (typeof key !== 'string' || !/^[\x21-\x7E]{1,255}$/.test(key)) {
      throw badRequest('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–255 visible ASCII.', [
        { pointer: 'idempotency-key', code: 'INVALID_IDEMPOTENCY_KEY', detail: 'is not valid' },
      ])
    }
    const principal = request.caller?.keyId ?? 'admin-api-key'
    const hash = requestHash(request)
    // Reserve the key, or take over one that expired or whose first request died.
    const reserved = await db
      .insertInto('idempotency_keys')
      .values({ principal, key, request_hash: hash })
      .onConflict((oc) =>
        oc
          .columns(['principal', 'key'])
          .doUpdateSet({
            request_hash: hash,
            response_status: null,
            response_headers: null,
            response_body: null,
            created_at: sql`now()`,
          })
          .where((eb) =>
            eb.or([
              eb('idempotency_keys.created_at', '<', sql<Date>`now() - ${RETENTION}::interval`),
              eb.and([
                eb('idempotency_keys.response_status', 'is', null),
                eb(
                  'idempotency_keys.created_at',
                  '<',
                  sql<Date>`now() - ${IN_PROGRESS_TIMEOUT}::interval`,
                ),
              ]),
            ]),
          ),
      )
      .returning('key')
      .executeTakeFirst()
    if (reserved) {
      request.idempotency = { principal, key }
      return
    }
    const first = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('principal', '=', principal)
      .where('key', '=', key)
      .executeTakeFirstOrThrow()
    if (first.request_hash !== hash) {
      throw unprocessable(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with another request; use a new key for a new write.',
        [{ pointer: 'idempotency-key', code: 'IDEMPOTENCY_KEY_REUSED', detail: 'already used' }],
      )
    }
    if (first.response_status === null) {
      throw conflict(
        'IDEMPOTENCY_KEY_IN_PROGRESS',
        'The first request with this Idempotency-Key is still running; retry shortly.',
      )
    }
    return reply
      .code(first.response_status)
      .headers({ ...first.response_headers, 'idempotent-replayed': 'true' })
      .send(first.response_body)
  }

  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const reservation = request.idempotency
    if (!reservation) return payload
    request.idempotency = null
    const where = db
      .updateTable('idempotency_keys')
      .where('principal', '=', reservation.principal)
      .where('key', '=', reservation.key)
    if (reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string') {
      const headers = Object.fromEntries(
        REPLAYED_HEADERS.flatMap((name) => {
          const value = reply.getHeader(name)
          return value === undefined ? [] : [[name, String(value)]]
        }),
      )
      await where
        .set({
          response_status: reply.statusCode,
          response_headers: JSON.stringify(headers),
          response_body: payload,
        })
        .execute()
    } else {
      await db
        .deleteFrom('idempotency_keys')
        .where('principal', '=', reservation.principal)
        .where('key', '=', reservation.key)
        .execute()
    }
    return payload
  }

  // Only the routes that opt in carry the hooks: every other request skips them entirely.
  scope.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return
    route.preHandler = [...hooksOf(route.preHandler), preHandler]
    route.onSend = [...hooksOf(route.onSend), onSend]
  })
}

const hooksOf = <T>(hooks: T | T[] | undefined): T[] =>
  hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]
