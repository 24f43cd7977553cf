// Route schemas compiled on first use. Fastify compiles a validator for every route's params,
// query, headers and body, and a fast-json-stringify function for every route and status, when
// the app starts — most of which a process never uses (a 409 here, a 412 there): ~0.5 s of CPU at
// each start, paid by every command and every test that builds the app. Each is compiled here by
// Fastify's own compilers, with their options and the shared schemas, the first time it is needed.
// Every route's schemas compile in the test suite (test/http/no-500.test.ts calls every
// operation with bodies, queries and path values), so a schema that does not compile fails there.
import AjvCompiler from '@fastify/ajv-compiler'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'

const eagerSerializers = SerializerSelector()

export const lazySerializers: typeof eagerSerializers = (externalSchemas, options) => {
  const compile = eagerSerializers(externalSchemas, options)
  return (route) => {
    let serialize: ((document: unknown) => string) | undefined
    return (document) => (serialize ??= compile(route))(document)
  }
}

type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown }

const eagerValidators = AjvCompiler()

export const lazyValidators: typeof eagerValidators = (externalSchemas, options) => {
  const compile = eagerValidators(externalSchemas, options)
  return ((route: Parameters<ReturnType<typeof eagerValidators>>[0]) => {
    let validate: Validate | undefined
    const lazy: Validate = (data, context) => {
      validate ??= compile(route) as Validate
      const valid = validate(data, context)
      lazy.errors = validate.errors
      return valid
    }
    // Fastify hands an Ajv validator (one with `schemaEnv`) the request as the value's parent,
    // through which Ajv coerces a whole value (a query string's array, say).
    return Object.assign(lazy, { schemaEnv: true })
  }) as unknown as ReturnType<typeof eagerValidators>
}
