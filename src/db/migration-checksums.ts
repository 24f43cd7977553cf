// A landed migration is history: a database migrated with its old text never runs a new one. The
// SHA-256 of every migration file is committed in migrations/checksums.json; a test holds the files
// to it, so a change to the schema has to be a new migration.
import { createHash } from 'node:crypto'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { projectRoot } from '../project.js'

export const MIGRATIONS_DIR = fileURLToPath(new URL('migrations/', projectRoot()))
export const CHECKSUMS_FILE = join(MIGRATIONS_DIR, 'checksums.json')
const MIGRATION_FILE = /^\d{8}T\d{6}-[a-z0-9-]+\.ts$/

/** Line endings folded to LF, so that a checkout converting them does not count as an edit. */
const checksumOf = (text: string) =>
  createHash('sha256').update(text.replaceAll('\r\n', '\n')).digest('hex')

/** Each migration file's checksum as the files are now, by file name, in name order. */
export async function currentChecksums(): Promise<Record<string, string>> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => MIGRATION_FILE.test(f)).sort()
  const sums: Record<string, string> = {}
  for (const file of files)
    sums[file] = checksumOf(await readFile(join(MIGRATIONS_DIR, file), 'utf8'))
  return sums
}

export async function committedChecksums(): Promise<Record<string, string>> {
  return JSON.parse(await readFile(CHECKSUMS_FILE, 'utf8')) as Record<string, string>
}
