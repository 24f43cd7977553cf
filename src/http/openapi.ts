// The OpenAPI document's frame; every route adds its own operation from its schemas.
import type { SwaggerOptions } from '@fastify/swagger'
import { packageVersion } from '../project.js'
import { type OpenApiDocument, finishDocument } from './openapi-document.js'

const signatureHeader = (name: string, description: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
})

/** What a subscription's receiver is sent (OpenAPI 3.1 `webhooks`). */
const WEBHOOKS = {
  change: {
    post: {
      operationId: 'receiveChange',
      tags: ['webhooks'],
      summary: 'One change of the feed, POSTed to a subscription’s URL',
      description:
        'Sent for each change whose type the subscription lists (`POST /v1/webhooks`), at least once: verify the signature with the subscription’s secret (any Standard Webhooks library does), drop repeats by `webhook-id`, and answer 2xx quickly. Other answers, redirects to another host and no answer within `WEBHOOK_TIMEOUT_MS` are retried with exponential backoff and jitter for `WEBHOOK_RETRY_HOURS`.',
      security: [],
      parameters: [
        signatureHeader('webhook-id', 'The delivery id: the same on every retry of it.'),
        signatureHeader(
          'webhook-timestamp',
          'When this attempt was signed, in seconds since 1970.',
        ),
        signatureHeader(
          'webhook-signature',
          '`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` keyed with the secret (without its `whsec_` prefix, base64-decoded).',
        ),
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: { $ref: '#/components/schemas/WebhookPayload' } },
        },
      },
      responses: {
        '2XX': { description: 'Taken: the delivery succeeded and is not sent again.' },
        default: { description: 'Anything else: the delivery is attempted again later.' },
      },
    },
  },
}

export const swaggerOptions: SwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'antq-api',
      version: packageVersion(),
      contact: { name: 'antq-api maintainers' },
      description:
        'System of record for the "All people protect national security" movement (Toàn dân bảo vệ an ninh Tổ quốc): ' +
        'units, yearly ANTT-safety certifications, "police listen to the people" forums, re-education counts, and the reports built from them. ' +
        'Errors are application/problem+json (RFC 9457) with a stable `code`.',
    },
    servers: [{ url: '/', description: 'The service that serves this document.' }],
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key: `Authorization: Bearer <key>`.',
        },
      },
    },
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'api-keys', description: 'Keys, roles and unit scopes (admin only).' },
      {
        name: 'units',
        description:
          'Provinces, districts, communes, hamlets, agencies, businesses and schools, over time.',
      },
      {
        name: 'certifications',
        description: 'Yearly ANTT-safety assessments (công nhận đạt tiêu chuẩn "An toàn về ANTT").',
      },
      {
        name: 'meetings',
        description: '"Police listen to the people" forums and organisation consultations.',
      },
      {
        name: 'reeducation',
        description: 'Community re-education case counts per commune-level unit and period.',
      },
      {
        name: 'reports',
        description:
          'The yearly report of a unit’s subtree, computed from the records (JSON, CSV or PDF), and who has reported.',
      },
      { name: 'campaigns', description: 'Campaign targets (chỉ tiêu) and progress against them.' },
      {
        name: 'report-submissions',
        description:
          'Reports sent up the hierarchy, frozen when sent, and accepted, returned or reopened by the level above; an accepted report locks its year’s records.',
      },
      {
        name: 'imports',
        description: 'Whole files in (CSV, JSON, NDJSON): atomic, streamed, with dry runs.',
      },
      { name: 'audit', description: 'Who changed what, with before and after (admin only).' },
      {
        name: 'changes',
        description:
          'The change feed: every committed write in order, for systems that keep copies (long polling instead of re-reading lists).',
      },
      {
        name: 'webhooks',
        description:
          'Changes pushed to subscribed URLs, signed as the Standard Webhooks specification says (admin only).',
      },
      { name: 'operations', description: 'Health, readiness and metrics.' },
    ],
  },
  // A route whose body is read as a stream (bulk imports) documents it as `x-body`: Fastify would
  // validate a `body` schema against the stream itself.
  transform: ({ schema, url }) => {
    const { 'x-body': body, ...rest } = (schema ?? {}) as Record<string, unknown>
    return { schema: body ? { ...rest, body } : rest, url }
  },
  // What clients build on, from what the routes declare: see openapi-document.ts.
  transformObject: (documentObject) => ({
    ...finishDocument((documentObject as { openapiObject: OpenApiDocument }).openapiObject),
    webhooks: WEBHOOKS,
  }),
  refResolver: {
    buildLocalReference: (json, _baseUri, _fragment, i) =>
      typeof json.$id === 'string' ? json.$id : `def-${i}`,
  },
}
