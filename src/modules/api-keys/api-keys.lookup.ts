// How a bearer token becomes a caller: the bootstrap ADMIN_API_KEY is compared in constant time
// and needs no database; other keys are looked up by their hash, revoked ones refused.
//
// A key found is remembered for a few seconds, so that a client's stream of requests does not pay
// a database round trip each. A key is never changed, only revoked: a revocation through this
// process forgets every remembered key at once; one made through another process of the service
// takes effect here within KEY_CACHE_MS. Unknown tokens are not remembered.
import { timingSafeEqual } from 'node:crypto'
import type { Caller, CallerLookup } from '../../http/caller.js'
import type { ApiKeysRepository } from './api-keys.repository.js'
import { hashKey } from './api-keys.secrets.js'

export const KEY_CACHE_MS = 5000
const MAX_REMEMBERED = 10_000

export interface CachedCallerLookup extends CallerLookup {
  /** Forgets every remembered key (after a revocation). */
  forget: () => void
}

export function createCallerLookup(
  keys: ApiKeysRepository,
  adminApiKey: string | undefined,
  cacheMs = KEY_CACHE_MS,
): CachedCallerLookup {
  const adminHash = adminApiKey ? Buffer.from(hashKey(adminApiKey), 'hex') : undefined
  const remembered = new Map<string, { caller: Caller; until: number }>()
  const lookup = async (token: string): Promise<Caller | null> => {
    const hash = hashKey(token)
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hash, 'hex')))
      return {
        keyId: null,
        name: 'ADMIN_API_KEY',
        role: 'admin',
        scopeUnitId: null,
        source: 'admin-api-key',
      }
    const known = remembered.get(hash)
    if (known && known.until > Date.now()) return known.caller
    const row = await keys.findActiveByHash(hash)
    if (!row) {
      remembered.delete(hash)
      return null
    }
    const caller: Caller = {
      keyId: row.id,
      name: row.name,
      role: row.role,
      scopeUnitId: row.scope_unit_id,
      source: row.source ?? row.id,
    }
    if (cacheMs > 0) {
      if (remembered.size >= MAX_REMEMBERED) remembered.clear()
      remembered.set(hash, { caller, until: Date.now() + cacheMs })
    }
    return caller
  }
  return Object.assign(lookup, { forget: () => remembered.clear() })
}
