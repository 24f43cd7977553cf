// Statuses every operation of a kind can answer, declared once in each operation's responses
// rather than remembered route by route: any /v1 request can be malformed (400), unauthenticated
// (401), rate limited (429) or meet an unavailable database (503); a request with a body can be
// too large (413), of the wrong content type (415) or nested too deeply (400); a path parameter
// can be too long (414) or name nothing (404), and so can a unit given in the query.
import type { FastifyInstance, RouteOptions } from 'fastify'
import { problemResponses } from './problem.schema.js'

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH'])

/** Query parameters that name a unit (or a scope), and so may answer 404. */
const REFERRING_QUERY = ['under', 'unit']

function statusesOf(route: RouteOptions): number[] {
  const methods = [route.method].flat()
  const statuses = [400, 401, 429, 503]
  if (methods.some((m) => WITH_BODY.has(m))) statuses.push(413, 415)
  if (route.url.includes(':')) statuses.push(404, 414)
  const query = (route.schema?.querystring as { properties?: Record<string, unknown> } | undefined)
    ?.properties
  if (query && REFERRING_QUERY.some((name) => name in query)) statuses.push(404)
  return statuses
}

/** Adds the common statuses to every /v1 route registered after this call. */
export function declareCommonStatuses(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1') || !route.schema) return
    const response = (route.schema.response ??= {}) as Record<string, unknown>
    const missing = statusesOf(route).filter((status) => !(status in response))
    Object.assign(response, problemResponses(...missing))
  })
}
