// The project stands on its own: nothing it ships reads or names a path outside its folder, and the
// bundled reference data is what its README says.
import { readFile, readdir } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { ReferenceFileError, readGsoFile, readReorgFile } from '../src/modules/units/index.js'

// Spelt in two halves so that this file does not name it itself.
const SHARED = ['..', 'shared'].join('/')
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const SKIP = new Set(['node_modules', 'dist', 'data', 'coverage', '.git', '.bench'])
const TEXT =
  /\.(ts|js|mjs|cjs|json|md|ya?ml|sh|example)$|^(Dockerfile|run|\.dockerignore|\.gitignore)$/

async function* files(folder: string): AsyncGenerator<string> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue
    const path = join(folder, entry.name)
    if (entry.isDirectory()) yield* files(path)
    else if (TEXT.test(entry.name) && entry.name !== 'package-lock.json') yield path
  }
}

describe('the project folder', () => {
  it('has no file that refers to a path outside it', async () => {
    const outside: string[] = []
    for await (const file of files(root)) {
      const text = await readFile(file, 'utf8')
      const name = relative(root, file)
      if (text.includes(SHARED)) outside.push(`${name}: ${SHARED}`)
      // Every relative path in quotes must resolve inside the project.
      for (const [, path] of text.matchAll(/['"`]((?:\.\.\/)+[^'"`$\s]*)/g)) {
        const target = resolve(dirname(file), path!)
        if (relative(root, target).startsWith('..')) outside.push(`${name}: ${path}`)
      }
    }
    expect(outside).toEqual([])
  })
})

describe('the bundled reference data', () => {
  it('is the national list of 2025-03-01 and the 2025-07-01 reorganisation', async () => {
    const gso = await readGsoFile()
    const districts = gso.data.flatMap((p) => p.level2s)
    expect([gso.data.length, districts.length, districts.flatMap((d) => d.level3s).length]).toEqual(
      [63, 696, 10_047],
    )
    const reorg = await readReorgFile()
    expect([reorg.data.length, reorg.data.flatMap((p) => p.level2s).length]).toEqual([34, 3_321])
  })

  it('refuses a file that is missing, not JSON or of another shape, with one line', async () => {
    const refusal = async (read: () => Promise<unknown>) => {
      const error = await read().then(
        () => null,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(ReferenceFileError)
      expect((error as Error).message).not.toContain('\n')
      return (error as Error).message
    }
    expect(await refusal(() => readGsoFile(join(root, 'no-such-file.json')))).toMatch(
      /no-such-file\.json: no such file$/,
    )
    expect(await refusal(() => readGsoFile(join(root, 'README.md')))).toMatch(
      /README\.md: not JSON/,
    )
    expect(await refusal(() => readGsoFile(join(root, 'package.json')))).toMatch(
      /package\.json: not a GSO unit list .*: at \/ must have required properties data$/,
    )
    // The mapping is not a unit list, and the other way round.
    expect(
      await refusal(() =>
        readGsoFile(join(root, 'reference-data/reorg-2025-07-01-merges.json.gz')),
      ),
    ).toMatch(/not a GSO unit list .*: at \/data\/0 must/)
    expect(
      await refusal(() => readReorgFile(join(root, 'reference-data/gso-units-2025-03-01.json.gz'))),
    ).toMatch(/not a reorganisation mapping/)
  })
})
