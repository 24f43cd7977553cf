import { readdir } from 'node:fs/promises'
import { describe, expect, it } from '@jest/globals'
import { migrations } from '../../migrations/index.js'

describe('migrations/index.ts', () => {
  it('lists every migration file, in name order, under its file name', async () => {
    const files = (await readdir(new URL('../../migrations/', import.meta.url)))
      .filter((f) => /^\d{8}T\d{6}-[a-z0-9-]+\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort()
    expect(Object.keys(migrations)).toEqual(files)
  })
})
