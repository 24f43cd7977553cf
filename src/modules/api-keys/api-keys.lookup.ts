// How a bearer token becomes a caller: the bootstrap ADMIN_API_KEY is compared in constant time
// and needs no database; other keys are looked up by their hash, revoked ones refused.
import { timingSafeEqual } from 'node:crypto'
import type { CallerLookup } from '../../http/caller.js'
import type { ApiKeysRepository } from './api-keys.repository.js'
import { hashKey } from './api-keys.secrets.js'

export function createCallerLookup(
  keys: ApiKeysRepository,
  adminApiKey: string | undefined,
): CallerLookup {
  const adminHash = adminApiKey ? Buffer.from(hashKey(adminApiKey), 'hex') : undefined
  return async (token) => {
    const hash = hashKey(token)
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hash, 'hex')))
      return {
        keyId: null,
        name: 'ADMIN_API_KEY',
        role: 'admin',
        scopeUnitId: null,
        source: 'admin-api-key',
      }
    const row = await keys.findActiveByHash(hash)
    if (!row) return null
    return {
      keyId: row.id,
      name: row.name,
      role: row.role,
      scopeUnitId: row.scope_unit_id,
      source: row.source ?? row.id,
    }
  }
}
