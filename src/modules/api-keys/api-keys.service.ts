// API keys: created with a secret shown once, listed, shown and revoked, always within what the
// calling admin may manage — an unscoped admin everything, a scoped one only keys scoped inside
// its own subtree (the others read as keys that do not exist).
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { Asking, Caller } from '../../http/caller.js'
import { today } from '../../http/dates.js'
import { forbidden, notFound, unprocessable } from '../../http/errors.js'
import { recordAudit } from '../../records/index.js'
import { toScopeUnit, type UnitsService } from '../units/index.js'
import { type ApiKeyRow, createApiKeysRepository } from './api-keys.repository.js'
import type { ApiKey, CreateApiKey } from './api-keys.schemas.js'
import { generateKey, hashKey, keyPrefix } from './api-keys.secrets.js'

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    scope: row.scope_unit_id,
    scopeUnit: toScopeUnit(row),
    source: row.source ?? row.id,
    keyPrefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  }
}

export function createApiKeysService(
  db: Kysely<DB>,
  units: UnitsService,
  onRevoked: () => void = () => undefined,
) {
  const keys = createApiKeysRepository(db)

  async function manageable(row: ApiKeyRow | undefined, caller: Caller | null, tx: Kysely<DB>) {
    if (!row) return undefined
    const scopePath = await units.scopePathOf(caller, tx)
    if (scopePath === null) return row
    if (row.scope_unit_id === null) return undefined
    const scope = await units.findById(row.scope_unit_id, tx)
    return scope && units.inScope(scope, scopePath) ? row : undefined
  }

  /** The new key's scope: inside a scoped admin's subtree (its own scope when none is given). */
  async function scopeFor(body: CreateApiKey, caller: Caller | null) {
    if (body.scopeRef !== undefined && body.scope !== undefined)
      throw unprocessable('AMBIGUOUS_SCOPE', 'Give scopeRef (or the deprecated scope), not both.', [
        { pointer: '/scope', code: 'AMBIGUOUS_SCOPE', detail: 'give scopeRef only' },
      ])
    const pointer = body.scope !== undefined ? '/scope' : '/scopeRef'
    const requested = body.scopeRef !== undefined ? body.scopeRef : body.scope
    const own = caller?.scopeUnitId ?? null
    if (requested === undefined) return own
    if (requested === null) {
      if (own === null) return null
      throw forbidden(
        'A scoped admin cannot create a key without a scope: give a unit inside its own subtree.',
        'OUT_OF_SCOPE',
      )
    }
    // An id, or a code as of today: the rule of every other reference to a unit.
    const unit = await units.findByRef(requested, today())
    if (!unit)
      throw unprocessable('UNKNOWN_SCOPE_UNIT', `No unit ${requested} to scope the key to.`, [
        { pointer, code: 'UNKNOWN_SCOPE_UNIT', detail: 'is not a unit id, nor a code valid today' },
      ])
    if (!units.inScope(unit, await units.scopePathOf(caller)))
      throw forbidden(
        `Unit ${requested} is outside this key's scope: a scoped admin creates keys inside its own subtree.`,
        'OUT_OF_SCOPE',
      )
    return unit.id
  }

  /** A new key and its secret, which is returned here and never stored. */
  async function create(body: CreateApiKey, { caller, actor }: Asking) {
    const scope = await scopeFor(body, caller)
    const key = generateKey()
    const apiKey = await db.transaction().execute(async (tx) => {
      const row = await keys.insert(
        {
          name: body.name.normalize('NFC').trim(),
          role: body.role,
          scope_unit_id: scope,
          source: body.source ?? null,
          key_hash: hashKey(key),
          key_prefix: keyPrefix(key),
          created_by: actor.keyId,
        },
        tx,
      )
      const created = toApiKey(row)
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'api-key',
        entityId: row.id,
        after: created,
      })
      return created
    })
    return { ...apiKey, key }
  }

  async function list(
    p: { limit: number; includeRevoked: boolean; after?: [string, string] | undefined },
    caller: Caller | null,
  ) {
    return keys.list({ ...p, scopePath: await units.scopePathOf(caller) })
  }

  async function find(id: string, caller: Caller | null) {
    const row = await manageable(await keys.findById(id), caller, db)
    if (!row) throw notFound(`No API key ${id}.`)
    return toApiKey(row)
  }

  /** Revoking twice is not an error: the key is revoked either way. */
  async function revoke(id: string, { caller, actor }: Asking) {
    await db.transaction().execute(async (tx) => {
      const before = await manageable(await keys.findById(id, tx), caller, tx)
      if (!before) throw notFound(`No API key ${id}.`)
      const revoked = await keys.revoke(id, tx)
      if (revoked)
        await recordAudit(tx, actor, {
          action: 'revoke',
          entity: 'api-key',
          entityId: id,
          before: toApiKey(before),
          after: toApiKey(revoked),
        })
    })
    onRevoked()
  }

  return { create, list, find, revoke }
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>
