// Schemas of the conditional-request headers and the 304 response, shared by every resource.
import Type from 'typebox'

export const NotModified = { 304: { description: 'Not modified', type: 'null' } }

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The ETag the change is based on.' })),
})

export const PutPreconditionHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'ETag of the record being replaced.' })),
  'if-none-match': Type.Optional(
    Type.String({ description: '`*` on PUT: create only, 412 if a record exists.' }),
  ),
})
