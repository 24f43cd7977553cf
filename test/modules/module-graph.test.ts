// The modules' dependency graph: one module uses another only through its index.js (also a lint
// rule), and no module depends on itself through others (a cycle makes load order fragile and the
// boundaries meaningless). Type-only imports are erased at run time and are left out.
import { readFile, readdir } from 'node:fs/promises'
import { describe, expect, it } from '@jest/globals'

const modulesDir = new URL('../../src/modules/', import.meta.url)

async function graph(): Promise<Map<string, Set<string>>> {
  const edges = new Map<string, Set<string>>()
  for (const name of await readdir(modulesDir)) {
    const targets = new Set<string>()
    for (const file of await readdir(new URL(`${name}/`, modulesDir))) {
      const text = await readFile(new URL(`${name}/${file}`, modulesDir), 'utf8')
      // One statement at a time: the specifiers hold no quote, so a match cannot run on.
      for (const [, specifiers, path] of text.matchAll(
        /^import\s+([^'"]*?)\s+from\s+'([^']+)'/gm,
      )) {
        const target = /^\.\.\/([a-z-]+)\//.exec(path!)?.[1]
        if (!target || specifiers!.startsWith('type ')) continue
        // `import { type A, type B } from …` is type-only too.
        const names = /\{([\s\S]*)\}/
          .exec(specifiers!)?.[1]
          ?.split(',')
          .map((n) => n.trim())
        if (names && names.filter(Boolean).every((n) => n.startsWith('type '))) continue
        targets.add(target)
      }
    }
    edges.set(name, targets)
  }
  return edges
}

describe('modules', () => {
  it('import one another without cycles', async () => {
    const edges = await graph()
    const cycles: string[] = []
    const visit = (node: string, path: string[]) => {
      if (path.includes(node))
        return cycles.push([...path.slice(path.indexOf(node)), node].join(' → '))
      for (const next of edges.get(node) ?? []) visit(next, [...path, node])
    }
    for (const node of edges.keys()) visit(node, [])
    expect(cycles).toEqual([])
    // The graph is real: the records modules do depend on units and audit.
    expect([...edges.get('certifications')!].sort()).toEqual(['audit', 'imports', 'units'])
  })
})
