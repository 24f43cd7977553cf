import Type, { type Static } from 'typebox'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

export const FieldErrorSchema = Type.Object({
  pointer: Type.String({
    description: 'JSON Pointer into the body, or the query parameter or header name.',
  }),
  code: Type.String(),
  detail: Type.String(),
})

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the kind of problem.' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String({ description: 'The request id (also in the x-request-id header).' }),
    code: Type.String({ description: 'Stable UPPER_SNAKE code for programs to branch on.' }),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
  },
  { $id: 'Problem', title: 'Problem (RFC 9457)' },
)

export type Problem = Static<typeof ProblemSchema>

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request or invalid parameters.',
  401: 'Missing or unknown API key.',
  403: 'The key may not do this.',
  404: 'No such resource (or outside the key’s scope).',
  409: 'Conflicts with the current state.',
  410: 'No longer available.',
  412: 'If-Match does not match the current ETag.',
  413: 'Request body too large.',
  415: 'Unsupported content type.',
  422: 'Well-formed but not acceptable.',
  428: 'This write needs an If-Match header.',
  429: 'Too many requests.',
  503: 'The database is unreachable.',
}

/** Response schemas for the given error statuses, for a route's `response`. */
export function problemResponses(...statuses: number[]) {
  const ref = Type.Ref('Problem')
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? 'Problem',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ref } },
      },
    ]),
  )
}
