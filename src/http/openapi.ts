// The OpenAPI document's frame; every route adds its own operation from its schemas.
import type { SwaggerOptions } from '@fastify/swagger'
import { packageVersion } from '../project.js'
import { type OpenApiDocument, finishDocument } from './openapi-document.js'

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
          'The yearly report of a unit’s subtree, computed from the records (JSON or CSV).',
      },
      { name: 'campaigns', description: 'Campaign targets (chỉ tiêu) and progress against them.' },
      {
        name: 'imports',
        description: 'Whole files in (CSV, JSON, NDJSON): atomic, streamed, with dry runs.',
      },
      { name: 'audit', description: 'Who changed what, with before and after (admin only).' },
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
  transformObject: (documentObject) =>
    finishDocument((documentObject as { openapiObject: OpenApiDocument }).openapiObject),
  refResolver: {
    buildLocalReference: (json, _baseUri, _fragment, i) =>
      typeof json.$id === 'string' ? json.$id : `def-${i}`,
  },
}
