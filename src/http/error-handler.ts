// The one error handler: typed errors, validation failures, Fastify's own errors and PostgreSQL
// errors become application/problem+json; anything unexpected becomes a 500 that leaks nothing.
import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type FieldError, HttpProblem } from './errors.js'
import { inLanguage, languageOf } from './language.js'
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem.schema.js'

interface ValidationIssue {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Content too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal server error',
  503: 'Service unavailable',
}

// Fastify's own client errors, renamed to the API's stable codes.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_CONTENT_LENGTH',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'EMPTY_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_RATE_LIMIT: 'RATE_LIMITED',
}

// Errors that mean "the database cannot be reached", as opposed to "the query was wrong".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
])

function fieldErrors(issues: ValidationIssue[], context: string | undefined): FieldError[] {
  const inBody = context === undefined || context === 'body'
  return issues.map((issue) => {
    let path = issue.instancePath
    if (issue.keyword === 'required') path += `/${String(issue.params.missingProperty)}`
    if (issue.keyword === 'additionalProperties')
      path += `/${String(issue.params.additionalProperty)}`
    const pointer = inBody ? path : path.replace(/^\//, '').split('/')[0] || String(context)
    const code =
      issue.keyword === 'additionalProperties'
        ? 'UNKNOWN_FIELD'
        : issue.keyword.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()
    const detail =
      issue.keyword === 'additionalProperties'
        ? 'is not a known field'
        : (issue.message ?? 'is invalid')
    return { pointer, code, detail }
  })
}

const DATABASE_TIMEOUT: [number, string, string] = [
  503,
  'DATABASE_TIMEOUT',
  'The database did not answer in time; try again shortly.',
]

function databaseProblem(error: {
  code?: string
  detail?: string
  constraint?: string
}): [number, string, string] | undefined {
  const code = error.code ?? ''
  if (UNAVAILABLE_CODES.has(code))
    return [503, 'DATABASE_UNAVAILABLE', 'The database is unreachable; try again shortly.']
  // 57014: a statement ran past statement_timeout (a frozen server, a lock held too long).
  if (code === '57014' || code === '55P03') return DATABASE_TIMEOUT
  const constraint = error.constraint ? ` (${error.constraint})` : ''
  if (code === '23505')
    return [409, 'UNIQUE_VIOLATION', `A record with the same key already exists${constraint}.`]
  if (code === '23P01')
    return [409, 'OVERLAP_VIOLATION', `Overlaps an existing record${constraint}.`]
  if (code === '23503')
    return [
      422,
      'REFERENCE_VIOLATION',
      `Refers to a record that does not exist, or is still referred to${constraint}.`,
    ]
  if (code === '23514')
    return [422, 'CHECK_VIOLATION', `A value breaks a rule of the data${constraint}.`]
  if (code === '23502') return [422, 'MISSING_VALUE', `A required value is missing${constraint}.`]
  if (code.startsWith('22')) return [400, 'INVALID_VALUE', 'A value is not valid for its type.']
  return undefined
}

function isConnectionFailure(error: Error): boolean {
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(
    error.message,
  )
}

/** pg's own query_timeout: the server (frozen, or unreachable mid-query) never answered. */
const isQueryTimeout = (error: Error) => /^Query read timeout$/.test(error.message)

/** A problem document; `instance` is the request id. */
function problemOf(
  status: number,
  code: string,
  detail: string,
  instance: string,
  extra: Partial<Problem> = {},
): Problem {
  return {
    type: `/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance,
    code,
    ...extra,
  }
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  extra: Partial<Problem> = {},
) {
  const language = languageOf(request)
  const body = inLanguage(language, problemOf(status, code, detail, request.id, extra))
  return reply
    .code(status)
    .header('content-language', language)
    .type(PROBLEM_CONTENT_TYPE)
    .send(body)
}

// Errors the router raises before any route or hook runs (a path parameter over the length limit,
// a URL that does not decode), as problem+json like every other error.
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_MAX_PARAM_LENGTH: 'PATH_PARAMETER_TOO_LONG',
  FST_ERR_BAD_URL: 'MALFORMED_URL',
}

export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void reply.header('x-request-id', request.id)
  void sendProblem(
    reply,
    request,
    error.statusCode ?? 400,
    FRAMEWORK_CODES[error.code] ?? 'BAD_REQUEST',
    error.message,
  )
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers or URL over 16 KB, a
 * malformed request line): answered as problem+json too, then the connection is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  const [status, code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'The request line and headers exceed 16 KB.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'The request did not arrive in time.']
        : [400, 'MALFORMED_REQUEST', 'The request is not valid HTTP.']
  const problem = problemOf(status, code, detail, randomUUID())
  const body = JSON.stringify(problem)
  socket.end(
    `HTTP/1.1 ${status} ${problem.title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler(
    (error: FastifyError & { constraint?: string; detail?: string }, request, reply) => {
      if (error instanceof HttpProblem) {
        if (error.extra.headers) void reply.headers(error.extra.headers)
        return sendProblem(reply, request, error.status, error.code, error.message, {
          title: error.title,
          ...(error.extra.errors ? { errors: error.extra.errors } : {}),
        })
      }
      if (error.validation) {
        const errors = fieldErrors(error.validation, error.validationContext)
        const where = error.validationContext ?? 'body'
        return sendProblem(
          reply,
          request,
          400,
          'VALIDATION_FAILED',
          `The request ${where} is not valid.`,
          { errors },
        )
      }
      const mapped =
        databaseProblem(error) ??
        (isQueryTimeout(error) ? DATABASE_TIMEOUT : undefined) ??
        (isConnectionFailure(error)
          ? ([
              503,
              'DATABASE_UNAVAILABLE',
              'The database is unreachable; try again shortly.',
            ] as const)
          : undefined)
      if (mapped) {
        const [status, code, detail] = mapped
        if (status >= 500) request.log.error({ err: error }, 'database unavailable')
        return sendProblem(reply, request, status, code, detail)
      }
      const status = error.statusCode ?? 500
      if (status >= 400 && status < 500) {
        const code =
          FASTIFY_CODES[error.code] ??
          (error.code?.startsWith('FST_') ? 'BAD_REQUEST' : (error.code ?? 'BAD_REQUEST'))
        return sendProblem(reply, request, status, code, error.message)
      }
      request.log.error({ err: error }, 'unexpected error')
      return sendProblem(
        reply,
        request,
        500,
        'INTERNAL_ERROR',
        'An unexpected error occurred; it has been logged with this request id.',
      )
    },
  )

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      404,
      'ROUTE_NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0]}.`,
    ),
  )
}
