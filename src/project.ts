// Where the project is on disk (the nearest folder above with a package.json: the same from the
// sources and from the compiled copy in dist/), and its version, read once.
import { existsSync, readFileSync } from 'node:fs'

export function projectRoot(): URL {
  for (let folder = new URL('./', import.meta.url); ; folder = new URL('../', folder)) {
    if (existsSync(new URL('package.json', folder))) return folder
    if (folder.pathname === '/') throw new Error('no package.json above the service')
  }
}

let version: string | undefined

/** The version of package.json: the service's, and its OpenAPI document's. */
export function packageVersion(): string {
  version ??= (
    JSON.parse(readFileSync(new URL('package.json', projectRoot()), 'utf8')) as {
      version: string
    }
  ).version
  return version
}
