// The reference files the loaders read: the national list (GSO, 2025-03-01) and the 2025-07-01
// reorganisation, bundled gzip-compressed in reference-data/, or any file a user names (plain or
// gzip JSON). A file that cannot be read, is not JSON, or is not of the expected shape is refused
// with one line that says which and where, before anything is written.
import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import Type, { type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { projectRoot } from '../../project.js'

const Code = Type.String({ minLength: 1 })
const Name = Type.String({ minLength: 1 })

export const GsoFileSchema = Type.Object({
  data: Type.Array(
    Type.Object({
      level1_id: Code,
      name: Name,
      type: Type.String(),
      level2s: Type.Array(
        Type.Object({
          level2_id: Code,
          name: Name,
          type: Type.String(),
          level3s: Type.Array(Type.Object({ level3_id: Code, name: Name, type: Type.String() })),
        }),
      ),
    }),
    { minItems: 1 },
  ),
})
export type GsoFile = Static<typeof GsoFileSchema>

const MergeSchema = Type.Object({
  old_id: Code,
  name: Type.String(),
  type: Type.Enum(['full', 'partial']),
})
export const ReorgFileSchema = Type.Object({
  data: Type.Array(
    Type.Object({
      level1_id: Code,
      name: Name,
      merges: Type.Array(MergeSchema),
      level2s: Type.Array(
        Type.Object({ level2_id: Code, name: Name, merges: Type.Array(MergeSchema) }),
      ),
    }),
    { minItems: 1 },
  ),
})
export type ReorgFile = Static<typeof ReorgFileSchema>

const bundledFile = (name: string) => new URL(`reference-data/${name}`, projectRoot())

export const BUNDLED = {
  units: { file: bundledFile('gso-units-2025-03-01.json.gz'), snapshotDate: '2025-03-01' },
  reorganisation: {
    file: bundledFile('reorg-2025-07-01-merges.json.gz'),
    effectiveDate: '2025-07-01',
  },
} as const

/** A reference file that cannot be used; its message is one line for a terminal. */
export class ReferenceFileError extends Error {}

const GZIP_MAGIC = [0x1f, 0x8b]

async function readJson(file: string | URL): Promise<unknown> {
  const where = file instanceof URL ? file.pathname : file
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ReferenceFileError(
      code === 'ENOENT'
        ? `${where}: no such file`
        : `${where}: cannot be read (${code ?? 'error'})`,
    )
  }
  try {
    if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) bytes = gunzipSync(bytes)
  } catch {
    throw new ReferenceFileError(`${where}: a damaged gzip file`)
  }
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as unknown
  } catch (error) {
    throw new ReferenceFileError(`${where}: not JSON (${(error as Error).message})`)
  }
}

async function readChecked<S extends TSchema>(
  file: string | URL,
  schema: S,
  what: string,
): Promise<Static<S>> {
  const value = await readJson(file)
  const [first] = Value.Errors(schema, value)
  if (first) {
    const where = file instanceof URL ? file.pathname : file
    throw new ReferenceFileError(
      `${where}: not ${what}: at ${first.instancePath || '/'} ${first.message}`,
    )
  }
  return value as Static<S>
}

export const readGsoFile = (file: string | URL = BUNDLED.units.file) =>
  readChecked(
    file,
    GsoFileSchema,
    'a GSO unit list ({ data: [{ level1_id, name, type, level2s }] })',
  )

export const readReorgFile = (file: string | URL = BUNDLED.reorganisation.file) =>
  readChecked(
    file,
    ReorgFileSchema,
    'a reorganisation mapping ({ data: [{ level1_id, name, merges, level2s }] })',
  )
