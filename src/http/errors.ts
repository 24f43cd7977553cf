// Typed errors carry their HTTP status and a stable code; the one error handler turns them into
// problem+json. Services and routes throw these; repositories never do.

export interface FieldError {
  /** JSON Pointer into the body, or the name of the query parameter / header. */
  pointer: string
  code: string
  detail: string
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail)
    this.name = 'HttpProblem'
  }
}

export const badRequest = (code: string, detail: string, errors?: FieldError[]) =>
  new HttpProblem(400, code, 'Bad request', detail, errors ? { errors } : {})

export const unauthorized = (detail: string) =>
  new HttpProblem(401, 'UNAUTHORIZED', 'Unauthorized', detail, {
    headers: { 'www-authenticate': 'Bearer realm="antq-api"' },
  })

export const forbidden = (detail: string, code = 'FORBIDDEN') =>
  new HttpProblem(403, code, 'Forbidden', detail)

export const notFound = (detail: string, code = 'NOT_FOUND') =>
  new HttpProblem(404, code, 'Not found', detail)

export const conflict = (code: string, detail: string, headers?: Record<string, string>) =>
  new HttpProblem(409, code, 'Conflict', detail, headers ? { headers } : {})

export const gone = (code: string, detail: string) => new HttpProblem(410, code, 'Gone', detail)

export const preconditionFailed = (detail: string) =>
  new HttpProblem(412, 'PRECONDITION_FAILED', 'Precondition failed', detail)

export const preconditionRequired = (detail: string) =>
  new HttpProblem(428, 'PRECONDITION_REQUIRED', 'Precondition required', detail)

export const unprocessable = (code: string, detail: string, errors?: FieldError[]) =>
  new HttpProblem(422, code, 'Unprocessable content', detail, errors ? { errors } : {})

export const serviceUnavailable = (detail: string) =>
  new HttpProblem(503, 'SERVICE_UNAVAILABLE', 'Service unavailable', detail)
