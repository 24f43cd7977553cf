// A typed client of antq-api: openapi-fetch over the types generated from openapi/openapi.json.
// Every path, parameter, body and answer is checked by TypeScript; the named schemas are exported
// by name (Unit, Certification, Meeting, …).
import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema.js'

export type { components, paths }
export type Schemas = components['schemas']
export type Unit = Schemas['Unit']
export type UnitPage = Schemas['UnitPage']
export type Certification = Schemas['Certification']
export type Meeting = Schemas['Meeting']
export type ReeducationCount = Schemas['ReeducationCount']
export type ReportSummary = Schemas['ReportSummary']
export type Problem = Schemas['Problem']

/**
 * The headers an answer declares in the document, typed: e.g.
 * `ResponseHeaders<'/v1/units/{ref}', 'get', 200>['etag']` is `string | undefined`.
 */
export type ResponseHeaders<
  P extends keyof paths,
  M extends keyof paths[P],
  S extends number,
> = paths[P][M] extends { responses: infer R }
  ? S extends keyof R
    ? R[S] extends { headers: infer H }
      ? H
      : never
    : never
  : never

export interface ClientOptions {
  /** Where the service is, e.g. `https://antq.example.gov.vn`. */
  baseUrl: string
  /** An API key: sent as `Authorization: Bearer <key>`. */
  apiKey: string
  /** `vi` for Vietnamese error texts where the service has them. */
  language?: string
  fetch?: typeof globalThis.fetch
}

export function createAntqClient({ baseUrl, apiKey, language, fetch }: ClientOptions) {
  const client = createClient<paths>({ baseUrl, ...(fetch ? { fetch } : {}) })
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${apiKey}`)
      if (language) request.headers.set('accept-language', language)
      return request
    },
  }
  client.use(auth)
  return client
}

export type AntqClient = ReturnType<typeof createAntqClient>
