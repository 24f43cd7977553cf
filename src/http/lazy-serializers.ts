// Response serializers compiled on first use. Fastify compiles a fast-json-stringify function for
// every route and status when the app starts, most of which a process never sends (a 409 here, a
// 412 there): ~0.3 s of CPU at each start, paid by every command and every test that builds the
// app. Each is compiled, by Fastify's own compiler with its options and shared schemas, the first
// time its route answers with its status.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'

const eager = SerializerSelector()

export const lazySerializers: typeof eager = (externalSchemas, options) => {
  const compile = eager(externalSchemas, options)
  return (route) => {
    let serialize: ((document: unknown) => string) | undefined
    return (document) => (serialize ??= compile(route))(document)
  }
}
