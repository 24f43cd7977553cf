import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { type Asking, askingOf, requireRole } from '../../http/caller.js'
import { etagOf, preconditionsOf } from '../../http/etag.js'
import { IdempotencyHeaders } from '../../http/idempotency.js'
import { listRoute } from '../../http/list-route.js'
import { IfMatchRequiredHeaders } from '../../http/precondition-schemas.js'
import { problemResponses } from '../../http/problem.schema.js'
import {
  AcceptBody,
  CompletenessQuery,
  CompletenessSchema,
  CreateSubmissionBody,
  ReasonBody,
  type Submission,
  SubmissionIdParams,
  SubmissionListQuery,
  SubmissionPage,
  SubmissionSchema,
  SubmissionShowQuery,
} from './report-submissions.schemas.js'
import { PDF, PDF_CONTENT, representationOf } from '../reports/index.js'
import {
  type SubmissionsService,
  type Transition,
  toSubmissionItem,
} from './report-submissions.service.js'

const tags = ['report-submissions']

/**
 * A submission's ETag names its state (what If-Match guards), not its live part: the figures
 * that moved since it was sent change without the submission changing.
 */
function sendSubmission(reply: FastifyReply, submission: Submission) {
  const { snapshot: _snapshot, changedSinceSubmission: _changed, ...state } = submission
  return reply.header('etag', etagOf(state)).send(submission)
}

export const reportSubmissionsRoutes: FastifyPluginAsyncTypebox<{
  service: SubmissionsService
}> = async (app, { service }) => {
  app.post('/report-submissions', {
    onRequest: requireRole('editor'),
    config: { idempotent: true },
    schema: {
      operationId: 'submitReport',
      tags,
      summary: 'Send a unit’s yearly report to the level above',
      description:
        'Freezes the unit’s summary for the year (the body GET /v1/reports/summary gives now) with its SHA-256, and addresses it to the level above as the hierarchy stood on 31 December (a commune to its district, or to its province where there is no district level, as after 1 July 2025; a district to its province; a province to no one). One open report per unit and year: 409 ALREADY_SUBMITTED while one is submitted or accepted; after a return or reopening the next one is version + 1.',
      headers: IdempotencyHeaders,
      body: CreateSubmissionBody,
      response: { 201: SubmissionSchema, ...problemResponses(403, 404, 409, 422) },
    },
    handler: async (request, reply) => {
      const submission = await service.submit(request.body, askingOf(request))
      return sendSubmission(
        reply.code(201).header('location', `/v1/report-submissions/${submission.id}`),
        submission,
      )
    },
  })

  listRoute(app, '/report-submissions', {
    operationId: 'listReportSubmissions',
    tags,
    summary: 'List report submissions, newest first',
    description:
      'Every version of the reports sent by units inside the key’s scope, by year, subtree, unit, recipient or status; newest first. Items carry no snapshot: GET one for it.',
    querystring: SubmissionListQuery,
    page: SubmissionPage,
    errors: [403, 404],
    cursor: 2,
    keyOf: (row): [string, string] => [row.submitted_at.toISOString(), row.id],
    rows: ({ query, caller }, after) =>
      service.list(query, caller, after && [String(after[0]), String(after[1])]),
    toItem: toSubmissionItem,
  })

  app.get('/report-submissions/:id', {
    schema: {
      operationId: 'getReportSubmission',
      tags,
      summary: 'Show a report submission with its snapshot and what moved since',
      description:
        'The submission with the summary as sent and `changedSinceSubmission`, each figure whose live value now differs. The ETag names the submission’s state (send it in If-Match to accept, return or reopen); the live part is computed at each request. `Accept: application/pdf` (or `format=pdf`): the report as sent, a printable Vietnamese document with who sent it, when, its status and the SHA-256 of its figures.',
      params: SubmissionIdParams,
      querystring: SubmissionShowQuery,
      response: {
        200: {
          description:
            'The submission, or (Accept: application/pdf) the report as sent, printable.',
          content: { 'application/json': { schema: SubmissionSchema }, ...PDF_CONTENT },
        },
        ...problemResponses(403, 404),
      },
    },
    handler: async (request, reply) => {
      const row = await service.find(request.params.id, request.caller)
      if (representationOf(request, request.query.format) === 'pdf')
        return reply
          .header('etag', service.etagOf(row))
          .type(PDF)
          .send((await service.document(row)) as never)
      return sendSubmission(reply, await service.show(row, request.caller))
    },
  })

  const transition = (
    name: Transition,
    spec: {
      operationId: string
      summary: string
      description: string
      body: typeof ReasonBody | typeof AcceptBody
    },
  ) =>
    app.post(`/report-submissions/:id/${name}`, {
      onRequest: requireRole('editor'),
      schema: {
        operationId: spec.operationId,
        tags,
        summary: spec.summary,
        description: `${spec.description} By an editor or admin whose scope holds the recipient (a province’s report: an admin without a scope); needs the submission’s ETag in If-Match (428 without, 412 when stale); 409 INVALID_TRANSITION from any other status.`,
        params: SubmissionIdParams,
        headers: IfMatchRequiredHeaders,
        body: spec.body,
        response: { 200: SubmissionSchema, ...problemResponses(403, 404, 409, 412, 428) },
      },
      handler: async (request, reply) => {
        const asking: Asking = askingOf(request)
        const found = await service.find(request.params.id, request.caller)
        const body = request.body as { reason?: string }
        const submission = await service.decide(
          found,
          name,
          body.reason?.normalize('NFC').trim() || null,
          preconditionsOf(request).ifMatch,
          asking,
        )
        return sendSubmission(reply, submission)
      },
    })

  transition('accept', {
    operationId: 'acceptReportSubmission',
    summary: 'Accept a submitted report (locks its year’s records)',
    description:
      'Accepts a submitted report. While accepted, the year’s certifications, meetings and re-education counts in the unit’s subtree cannot be created, changed, withdrawn or deleted by anyone (409 PERIOD_LOCKED; per row in an import).',
    body: AcceptBody,
  })
  transition('return', {
    operationId: 'returnReportSubmission',
    summary: 'Return a submitted report, with the reason',
    description:
      'Sends a submitted report back to its unit with the reason; the unit may then submit a new version.',
    body: ReasonBody,
  })
  transition('reopen', {
    operationId: 'reopenReportSubmission',
    summary: 'Reopen an accepted report, with the reason (lifts the lock)',
    description:
      'Reopens an accepted report with the reason: its year’s records can be changed again, and the unit may submit a new version.',
    body: ReasonBody,
  })

  app.get('/reports/completeness', {
    schema: {
      operationId: 'getReportCompleteness',
      tags: ['reports'],
      summary: 'Who has reported to a unit for a year, and who is late',
      description:
        'For each unit that reports to `unit` that year (its districts and communes as the hierarchy stood on 31 December; without `unit`, the provinces), the latest submission’s status, when it was sent and whether on time (a missing report is late once its deadline passed), with counts per status and the on-time rate.',
      querystring: CompletenessQuery,
      response: { 200: CompletenessSchema, ...problemResponses(403, 404, 422) },
    },
    handler: async (request) =>
      service.completeness(request.query.unit, request.query.year, request.caller),
  })
}
