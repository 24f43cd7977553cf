// JSON bodies, parsed by Fastify's own parser (prototype poisoning refused), then bounded in depth:
// free JSON such as a unit's attributes would otherwise let a few kilobytes of brackets exhaust
// the stack of any code that walks it. No body of the API nests anywhere near the bound.
import type { FastifyInstance } from 'fastify'
import { HttpProblem } from './errors.js'

export const MAX_JSON_DEPTH = 32

/** The nesting depth of a parsed JSON value, walked without recursion. */
export function jsonDepth(value: unknown, stopAbove = Infinity): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    const level = depth + 1
    if (level > deepest) deepest = level
    if (deepest > stopAbove) return deepest
    for (const child of Object.values(node)) stack.push([child, level])
  }
  return deepest
}

export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    void parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error)
      if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
        return done(
          new HttpProblem(
            400,
            'JSON_TOO_DEEP',
            'Bad request',
            `The body nests deeper than ${MAX_JSON_DEPTH} levels.`,
          ),
        )
      done(null, value)
    })
  })
}
