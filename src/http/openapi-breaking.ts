// What a new version of the document takes away from clients built on an older one: a path or
// operation removed, a response field or enumeration value removed, an input newly required (a
// parameter, or a body field). Allowed only when the major version changes.

interface Schema {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  enum?: unknown[]
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
}
interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[]
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> }
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>
}
export interface Document {
  info: { version: string }
  paths: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, Schema> }
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete']

const major = (version: string) => Number(version.split('.')[0])

/** Every breaking change from `before` to `after`, one line each; none when the major changed. */
export function breakingChanges(before: Document, after: Document): string[] {
  if (major(after.info.version) > major(before.info.version)) return []
  const changes: string[] = []
  const resolve = (doc: Document, schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? doc.components?.schemas?.[schema.$ref.split('/').at(-1)!] : schema

  // What a response promises: fields may be added, not removed; enumerations may not shrink.
  const compareOutput = (where: string, old?: Schema, now?: Schema, seen = new Set<string>()) => {
    const a = resolve(before, old)
    const b = resolve(after, now)
    if (!a || !b) return
    const key = `${old?.$ref ?? ''}|${now?.$ref ?? ''}|${where}`
    if (seen.has(key)) return
    seen.add(key)
    if (a.enum && b.enum)
      for (const value of a.enum)
        if (!b.enum.some((v) => JSON.stringify(v) === JSON.stringify(value)))
          changes.push(`${where}: value ${JSON.stringify(value)} removed`)
    for (const [name, property] of Object.entries(a.properties ?? {})) {
      const next = b.properties?.[name]
      if (!next) changes.push(`${where}: field ${name} removed`)
      else compareOutput(`${where}.${name}`, property, next, seen)
    }
    if (a.items && b.items) compareOutput(`${where}[]`, a.items, b.items, seen)
  }
  // What a request may send: nothing newly required, no enumeration value taken away.
  const compareInput = (where: string, old?: Schema, now?: Schema) => {
    const a = resolve(before, old)
    const b = resolve(after, now)
    if (!a || !b) return
    for (const name of b.required ?? [])
      if (!(a.required ?? []).includes(name)) changes.push(`${where}: field ${name} newly required`)
    if (a.enum && b.enum)
      for (const value of a.enum)
        if (!b.enum.some((v) => JSON.stringify(v) === JSON.stringify(value)))
          changes.push(`${where}: value ${JSON.stringify(value)} no longer accepted`)
    for (const [name, property] of Object.entries(a.properties ?? {})) {
      const next = b.properties?.[name]
      if (!next) changes.push(`${where}: field ${name} no longer accepted`)
      else compareInput(`${where}.${name}`, property, next)
    }
  }

  for (const [path, operations] of Object.entries(before.paths)) {
    for (const method of METHODS) {
      const old = operations[method]
      if (!old) continue
      const now = after.paths[path]?.[method]
      const where = `${method.toUpperCase()} ${path}`
      if (!now) {
        changes.push(`${where}: removed`)
        continue
      }
      for (const parameter of now.parameters ?? []) {
        const was = old.parameters?.find((p) => p.in === parameter.in && p.name === parameter.name)
        if (parameter.required && !was?.required)
          changes.push(`${where}: ${parameter.in} parameter ${parameter.name} newly required`)
        if (was) compareInput(`${where} ${parameter.name}`, was.schema, parameter.schema)
      }
      for (const was of old.parameters ?? [])
        if (!now.parameters?.some((p) => p.in === was.in && p.name === was.name))
          changes.push(`${where}: ${was.in} parameter ${was.name} removed`)
      for (const [type, media] of Object.entries(old.requestBody?.content ?? {})) {
        const next = now.requestBody?.content?.[type]
        if (!next) changes.push(`${where}: request body ${type} no longer accepted`)
        else compareInput(`${where} body`, media.schema, next.schema)
      }
      for (const [status, response] of Object.entries(old.responses ?? {})) {
        const next = now.responses?.[status]
        if (!next) {
          if (status.startsWith('2')) changes.push(`${where}: response ${status} removed`)
          continue
        }
        for (const [type, media] of Object.entries(response.content ?? {})) {
          const nextMedia = next.content?.[type]
          if (!nextMedia) changes.push(`${where} ${status}: ${type} no longer answered`)
          else compareOutput(`${where} ${status}`, media.schema, nextMedia.schema)
        }
      }
    }
  }
  return changes
}
