// Jest's transform of the TypeScript sources: each file on its own through esbuild (types
// stripped, ES modules kept as they are), as `tsx` runs the service. Type checking is
// `npm run typecheck`'s job. ts-jest cost seconds of CPU per test file (a TypeScript language
// service in each worker); this costs milliseconds.
import { createHash } from 'node:crypto'
import { URL } from 'node:url'
import { readFileSync } from 'node:fs'
import { transformSync, version } from 'esbuild'

const tsconfig = readFileSync(new URL('../../tsconfig.json', import.meta.url), 'utf8')
const self = readFileSync(new URL(import.meta.url), 'utf8')
const { compilerOptions } = JSON.parse(tsconfig)

export default {
  canInstrument: false,
  getCacheKey(source, filename) {
    return createHash('sha256')
      .update(version)
      .update('\0')
      .update(self)
      .update('\0')
      .update(tsconfig)
      .update('\0')
      .update(filename)
      .update('\0')
      .update(source)
      .digest('hex')
  },
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'esm',
      target: compilerOptions.target.toLowerCase(),
      sourcefile: filename,
      sourcemap: 'external',
      sourcesContent: false,
      tsconfigRaw: { compilerOptions },
    })
    return { code, map }
  },
}
