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
interface OpenApiOperation {
  parameters?: { in: string; required?: boolean; schema?: SchemaObject }[]
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> }
  responses?: Record<string, { content?: Record<string, { schema?: SchemaObject }> }>
}
export interface OpenApiDocument {
  paths?: Record<string, Record<string, OpenApiOperation>>
  components?: { schemas?: Record<string, SchemaObject> }
}

export function finishDocument(document: OpenApiDocument): OpenApiDocument {
  const named = new NamedSchemas(document)
  for (const operations of Object.values(document.paths ?? {}))
    for (const operation of Object.values(operations)) {
      optionalDefaults(operation)
      for (const parameter of operation.parameters ?? [])
        if (parameter.schema) parameter.schema = named.hoist(parameter.schema)
      for (const media of Object.values(operation.requestBody?.content ?? {}))
        if (media.schema) media.schema = named.hoist(media.schema)
      for (const response of Object.values(operation.responses ?? {}))
        for (const media of Object.values(response.content ?? {}))
          if (media.schema) media.schema = named.hoist(media.schema)
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
