// The last touches to the OpenAPI document, made from what the routes declare, for the clients
// generated from it: every titled schema becomes a named component referred to by `$ref` (a
// client then has `Unit`, not the path of a response body), and parameters and body fields with
// a default are optional (the route schemas keep them required, so that handlers see the default
// filled in).

export interface SchemaObject {
  title?: string
  description?: string
  default?: unknown
  required?: string[]
  properties?: Record<string, SchemaObject>
  [keyword: string]: unknown
}
interface OpenApiResponse {
  description?: string
  content?: Record<string, { schema?: SchemaObject }>
  headers?: Record<string, { description: string; schema: SchemaObject }>
}
interface OpenApiOperation {
  operationId?: string
  parameters?: { in: string; name: string; required?: boolean; schema?: SchemaObject }[]
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> }
  responses?: Record<string, OpenApiResponse>
}
export interface OpenApiDocument {
  paths?: Record<string, Record<string, OpenApiOperation>>
  components?: { schemas?: Record<string, SchemaObject> }
}

export function finishDocument(document: OpenApiDocument): OpenApiDocument {
  const named = new NamedSchemas(document)
  for (const [path, operations] of Object.entries(document.paths ?? {}))
    for (const [method, operation] of Object.entries(operations)) {
      optionalDefaults(operation)
      declareHeaders(path, method, operation)
      for (const parameter of operation.parameters ?? [])
        if (parameter.schema) parameter.schema = named.hoist(parameter.schema)
      for (const media of Object.values(operation.requestBody?.content ?? {}))
        if (media.schema) media.schema = named.hoist(media.schema)
      for (const response of Object.values(operation.responses ?? {}))
        for (const media of Object.values(response.content ?? {}))
          if (media.schema) media.schema = named.hoist(media.schema)
      describeResponses(method, operation)
    }
  return document
}

function optionalDefaults(operation: OpenApiOperation) {
  for (const parameter of operation.parameters ?? [])
    if (parameter.in !== 'path' && parameter.schema?.default !== undefined)
      parameter.required = false
  // A copy: the document may share schema objects with the routes' validation.
  for (const media of Object.values(operation.requestBody?.content ?? {})) {
    const schema = media.schema
    if (!schema?.required || !schema.properties) continue
    const properties = schema.properties
    media.schema = {
      ...schema,
      required: schema.required.filter((name) => properties[name]?.default === undefined),
    }
  }
}

const text = (description: string) => ({ description, schema: { type: 'string' } })
const integer = (description: string) => ({ description, schema: { type: 'integer' } })
const HEADERS = {
  'x-request-id': text(
    'This request’s id, also the `instance` of a problem; give it when reporting one.',
  ),
  etag: text(
    'The representation’s version: send it back in If-Match to change it, If-None-Match to re-read it.',
  ),
  location: text('Where the resource (or the queued import) is.'),
  'idempotent-replayed': text(
    '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.',
  ),
  'x-ratelimit-limit': integer('Requests allowed a minute for this key.'),
  'x-ratelimit-remaining': integer('Requests left in the current minute.'),
  'x-ratelimit-reset': integer('Seconds until the count starts again.'),
  'retry-after': integer('Seconds to wait before trying again.'),
  'content-language': text(
    '`en`, or `vi` when Accept-Language prefers Vietnamese: the language of `title` and `detail`.',
  ),
}
/** Creations that answer without an ETag: an API key's answer holds its secret, never stored. */
const UNTAGGED_CREATIONS = new Set(['createApiKey', 'applyUnitChange'])
/**
 * Answers tagged with the ETag of a state If-Match guards, though not conditional reads: a report
 * submission (its live part, what moved since, is not in its ETag) and its transitions.
 */
const TAGGED_ANSWERS = new Set([
  'getReportSubmission',
  'acceptReportSubmission',
  'returnReportSubmission',
  'reopenReportSubmission',
])
/**
 * Conflicts that name, in Location, the resource already there, or the accepted report that
 * locks the record (PERIOD_LOCKED).
 */
const CONFLICT_LOCATIONS = new Set([
  'submitReport',
  'createCampaign',
  'createMeeting',
  'updateMeeting',
  'deleteMeeting',
  'putCertification',
  'withdrawCertification',
  'putReeducationCount',
  'deleteReeducationCount',
])

/**
 * The headers each response carries, by the rules the service follows (a test sends every
 * operation and compares): every answer its request id; under /v1, the rate limit's counters
 * (and Retry-After with 429); a problem its language; a created resource (201) or a queued import (202) its Location; a
 * representation its ETag (answers to conditional reads, creations, replacements and changes); a
 * POST taking an Idempotency-Key whether it was replayed.
 */
function declareHeaders(path: string, method: string, operation: OpenApiOperation) {
  const statuses = Object.keys(operation.responses ?? {})
  const conditional = statuses.includes('304')
  const idempotent = (operation.parameters ?? []).some(
    (p) => p.in === 'header' && p.name === 'idempotency-key',
  )
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const names: (keyof typeof HEADERS)[] = ['x-request-id']
    if (path.startsWith('/v1/'))
      names.push('x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset')
    if (status === '429') names.push('retry-after')
    if (Number(status) >= 400) names.push('content-language')
    if (status === '201' || status === '202') names.push('location')
    if (status === '409' && CONFLICT_LOCATIONS.has(operation.operationId ?? ''))
      names.push('location')
    const tagged =
      (status === '200' &&
        (conditional ||
          method === 'put' ||
          method === 'patch' ||
          TAGGED_ANSWERS.has(operation.operationId ?? ''))) ||
      (status === '201' && !UNTAGGED_CREATIONS.has(operation.operationId ?? ''))
    if (tagged) names.push('etag')
    if (idempotent && status.startsWith('2')) names.push('idempotent-replayed')
    response.headers = {
      ...response.headers,
      ...Object.fromEntries(names.map((name) => [name, HEADERS[name]])),
    }
  }
}

/** What a success answer is, where the route did not say (Fastify's "Default Response"). */
function describeResponses(method: string, operation: OpenApiOperation) {
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if (response.description !== undefined && response.description !== 'Default Response') continue
    const schema = response.content?.['application/json']?.schema
    const ref = typeof schema?.$ref === 'string' ? schema.$ref.split('/').at(-1)! : undefined
    const the = ref
      ? ref.endsWith('Page')
        ? `a page of ${ref.slice(0, -4)} items`
        : `the ${ref}`
      : 'the answer'
    response.description =
      status === '201'
        ? `Created: ${the}, at Location.`
        : method === 'put' && status === '200'
          ? `Replaced, or already so: ${the} as stored.`
          : method === 'patch' && status === '200'
            ? `Changed: ${the} as it now is.`
            : `${the[0]!.toUpperCase()}${the.slice(1)}.`
  }
}

/** A component name: what OpenAPI allows, and what a client can name a type after. */
const COMPONENT_NAME = /^[A-Za-z][A-Za-z0-9]*$/

/** Keywords whose value is a schema, and those whose value is a list or a map of schemas. */
const SCHEMA_KEYWORDS = ['items', 'additionalProperties', 'not', 'propertyNames'] as const
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const

class NamedSchemas {
  private readonly components: Record<string, SchemaObject>
  /** The shape each name stands for (descriptions aside), to refuse two shapes under one name. */
  private readonly shapes = new Map<string, string>()

  constructor(document: OpenApiDocument) {
    document.components ??= {}
    this.components = document.components.schemas ??= {}
  }

  /** `schema`, its titled parts moved to components; a titled schema becomes a `$ref`. */
  hoist(schema: SchemaObject): SchemaObject {
    const inner: SchemaObject = { ...schema }
    if (inner.properties)
      inner.properties = Object.fromEntries(
        Object.entries(inner.properties).map(([name, value]) => [name, this.hoist(value)]),
      )
    for (const keyword of SCHEMA_KEYWORDS) {
      const value = inner[keyword]
      if (isSchema(value)) inner[keyword] = this.hoist(value)
    }
    for (const keyword of SCHEMA_LISTS) {
      const value = inner[keyword]
      if (Array.isArray(value))
        inner[keyword] = (value as unknown[]).map((item) =>
          isSchema(item) ? this.hoist(item) : item,
        )
    }
    const name = inner.title
    if (typeof name !== 'string' || !COMPONENT_NAME.test(name)) return inner
    const { description, ...shape } = inner
    const key = JSON.stringify(shape)
    const known = this.shapes.get(name)
    if (known === undefined) {
      this.shapes.set(name, key)
      this.components[name] = inner
    } else if (known !== key) {
      throw new Error(`Two different schemas are titled ${name}: give one another title.`)
    }
    return description && description !== this.components[name]!.description
      ? { $ref: `#/components/schemas/${name}`, description }
      : { $ref: `#/components/schemas/${name}` }
  }
}

const isSchema = (value: unknown): value is SchemaObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
