import { readdir } from 'node:fs/promises'
import { describe, expect, it } from '@jest/globals'
import { migrations } from '../../migrations/index.js'
import { committedChecksums, currentChecksums } from '../../src/db/migration-checksums.js'

describe('migrations/index.ts', () => {
  it('lists every migration file, in name order, under its file name', async () => {
    const files = (await readdir(new URL('../../migrations/', import.meta.url)))
      .filter((f) => /^\d{8}T\d{6}-[a-z0-9-]+\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort()
    expect(Object.keys(migrations)).toEqual(files)
  })
})

describe('migrations/checksums.json', () => {
  it('holds every migration file to the checksum it landed with (change the schema with a new one)', async () => {
    const current = await currentChecksums()
    expect(Object.keys(current).length).toBeGreaterThan(10)
    // An edited or removed migration shows here as a difference; a new one needs
    // `npm run migrations:checksums`, which adds it and never rewrites the others.
    expect(current).toEqual(await committedChecksums())
  })
})
