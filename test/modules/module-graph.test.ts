// The source tree's dependency graph, counting every import (type-only ones too: a type shared in
// a circle ties the modules as much as a value does). One module uses another only through its
// index.js (also a lint rule); nothing depends on itself through others; and the layers below the
// feature modules (the records kernel, http, db) import none of them.
import { readFile, readdir } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'

const src = fileURLToPath(new URL('../../src/', import.meta.url))

/** The graph's node a source file belongs to: `modules/<name>`, or the top folder or file. */
function nodeOf(file: string): string {
  const parts = relative(src, file).split('/')
  if (parts[0] === 'modules') return `modules/${parts[1]}`
  return parts.length === 1 ? parts[0]!.replace(/\.[jt]s$/, '') : parts[0]!
}

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) files.push(...(await sourceFiles(join(dir, e.name))))
    else if (e.name.endsWith('.ts')) files.push(join(dir, e.name))
  }
  return files
}

async function graph(): Promise<Map<string, Set<string>>> {
  const edges = new Map<string, Set<string>>()
  for (const file of await sourceFiles(src)) {
    const from = nodeOf(file)
    const targets = edges.get(from) ?? new Set<string>()
    edges.set(from, targets)
    const text = await readFile(file, 'utf8')
    // Imports and re-exports; the specifiers hold no quote, so a match cannot run on.
    for (const [, path] of text.matchAll(/^(?:import|export)\s[^'"]*?\sfrom\s+'(\.[^']+)'/gm)) {
      const to = nodeOf(resolve(dirname(file), path!))
      if (to !== from) targets.add(to)
    }
  }
  return edges
}

describe('the source tree', () => {
  it('has no cycle between its parts, type-only imports included', async () => {
    const edges = await graph()
    const cycles: string[] = []
    const visit = (node: string, path: string[]) => {
      if (path.includes(node))
        return cycles.push([...path.slice(path.indexOf(node)), node].join(' → '))
      for (const next of edges.get(node) ?? []) visit(next, [...path, node])
    }
    for (const node of edges.keys()) visit(node, [])
    expect([...new Set(cycles)]).toEqual([])
    // The graph is real: the records modules do depend on units and on the kernel.
    expect(
      [...edges.get('modules/certifications')!].filter((n) => n !== 'db' && n !== 'http').sort(),
    ).toEqual(['modules/units', 'records'])
  })

  it('keeps the feature modules above the kernel, http and db', async () => {
    const edges = await graph()
    for (const layer of ['records', 'http', 'db', 'background']) {
      const upward = [...(edges.get(layer) ?? [])].filter(
        (n) => n.startsWith('modules/') || n === 'app',
      )
      expect({ layer, upward }).toEqual({ layer, upward: [] })
    }
  })
})
