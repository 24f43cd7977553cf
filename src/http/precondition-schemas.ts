// Schemas of the conditional-request headers and the 304 response, shared by every resource.
import Type from 'typebox'

export const NotModified = { 304: { description: 'Not modified', type: 'null' } }

/** DELETE: If-Match optional; when sent, a stale ETag answers 412. */
export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The ETag the change is based on.' })),
})

/** PATCH: If-Match required — 428 without it (declared so, not refused as a malformed request). */
export const IfMatchRequiredHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description: 'Required: the ETag the change is based on (428 without it, 412 when stale).',
    }),
  ),
})

export const PutPreconditionHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'ETag of the record being replaced.' })),
  'if-none-match': Type.Optional(
    Type.String({ description: '`*` on PUT: create only, 412 if a record exists.' }),
  ),
})
