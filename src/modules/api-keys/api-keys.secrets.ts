import { hash, randomBytes } from 'node:crypto'

const PREFIX = 'antq_'

/** A new secret: 32 random bytes, recognisable by its prefix in logs and secret scanners. */
export function generateKey(): string {
  return PREFIX + randomBytes(32).toString('base64url')
}

/** Keys are random and long, so one fast hash suffices; only the hash is stored. */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex')
}

export function keyPrefix(key: string): string {
  return key.slice(0, PREFIX.length + 6)
}
