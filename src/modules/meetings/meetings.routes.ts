import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { today } from '../../http/dates.js'
import { sendTagged, sendTaggedUnlessMatched } from '../../http/etag.js'
import { IdempotencyHeaders } from '../../http/idempotency.js'
import { decodeCursor, toPage } from '../../http/pagination.js'
import { created } from '../../http/replies.js'
import {
  IfMatchHeaders,
  IfMatchRequiredHeaders,
  NotModified,
} from '../../http/precondition-schemas.js'
import { problemResponses } from '../../http/problem.schema.js'
import { askingOf, requireRole } from '../../http/caller.js'
import type { UnitsService } from '../units/index.js'
import { toMeeting } from './meetings.record.js'
import {
  CreateMeetingBody,
  MeetingIdParams,
  MeetingListQuery,
  MeetingPage,
  MeetingSchema,
  PatchMeetingBody,
} from './meetings.schemas.js'
import type { MeetingsService } from './meetings.service.js'

const tags = ['meetings']

export const meetingsRoutes: FastifyPluginAsyncTypebox<{
  service: MeetingsService
  units: UnitsService
}> = async (app, { service, units }) => {
  app.post('', {
    onRequest: requireRole('editor'),
    config: { idempotent: true },
    schema: {
      operationId: 'createMeeting',
      description:
        'A forum is held at a hamlet or a commune-level unit, a consultation at any administrative unit, on a day not in the future; the unit resolves as of that day. Counts only, never people. Takes an Idempotency-Key.',
      tags,
      summary: 'Record a forum or a consultation',
      headers: IdempotencyHeaders,
      body: CreateMeetingBody,
      response: { 201: MeetingSchema, ...problemResponses(403, 404, 409, 422) },
    },
    handler: async (request, reply) => {
      const meeting = await service.create(request.body, askingOf(request))
      return created(reply, `/v1/meetings/${meeting.id}`, meeting)
    },
  })

  app.get('', {
    schema: {
      operationId: 'listMeetings',
      description:
        'Forums and consultations in the key’s scope, by the day held, with cursor pagination; `externalId` finds a meeting by its id in the sending system.',
      tags,
      summary: 'List meetings by subtree, unit, dates, format or external id',
      querystring: MeetingListQuery,
      response: { 200: MeetingPage, ...problemResponses(403, 404) },
    },
    handler: async (request) => {
      const q = request.query
      const asOf = q.asOf ?? q.to ?? today()
      const under = q.under ? await units.resolve(q.under, asOf, request.caller) : undefined
      const unit = q.unit ? await units.resolve(q.unit, asOf, request.caller) : undefined
      const cursor = q.cursor ? (decodeCursor(q.cursor, 2) as [string, string]) : undefined
      const rows = await service.list({
        limit: q.limit,
        scopePath: await units.scopePathOf(request.caller),
        ...(cursor ? { after: cursor } : {}),
        ...(under ? { underPath: under.path } : {}),
        ...(unit ? { unitId: unit.id } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        ...(q.format ? { format: q.format } : {}),
        ...(q.externalId ? { externalId: q.externalId } : {}),
      })
      return toPage(rows, q.limit, toMeeting, (row) => [row.held_on, row.id])
    },
  })

  app.get('/:id', {
    schema: {
      operationId: 'getMeeting',
      description: 'The meeting with its counts; its ETag is what a change must send in If-Match.',
      tags,
      summary: 'Show a meeting',
      params: MeetingIdParams,
      response: {
        200: MeetingSchema,
        ...NotModified,
        ...problemResponses(403, 404),
      },
    },
    handler: async (request, reply) => {
      const meeting = toMeeting(await service.find(request.params.id, request.caller, 'read'))
      return sendTaggedUnlessMatched(request, reply, meeting)
    },
  })

  app.patch('/:id', {
    onRequest: requireRole('editor'),
    schema: {
      operationId: 'updateMeeting',
      description:
        'Correct fields of a meeting (the rules of creation apply to the result); needs the current ETag in If-Match.',
      tags,
      summary: 'Correct a meeting (If-Match required)',
      params: MeetingIdParams,
      headers: IfMatchRequiredHeaders,
      body: PatchMeetingBody,
      response: { 200: MeetingSchema, ...problemResponses(403, 404, 409, 412, 422, 428) },
    },
    handler: async (request, reply) => {
      const current = await service.find(request.params.id, request.caller, 'write')
      const meeting = await service.patch(
        { found: current, body: request.body, ifMatch: request.headers['if-match'] },
        askingOf(request),
      )
      return sendTagged(reply, meeting)
    },
  })

  app.delete('/:id', {
    onRequest: requireRole('editor'),
    schema: {
      operationId: 'deleteMeeting',
      description: 'For a meeting recorded by mistake; needs If-Match. The audit keeps it.',
      tags,
      summary: 'Delete a meeting recorded by mistake (audited)',
      params: MeetingIdParams,
      headers: IfMatchHeaders,
      response: {
        204: { description: 'Deleted', type: 'null' },
        ...problemResponses(403, 404, 412),
      },
    },
    handler: async (request, reply) => {
      const current = await service.find(request.params.id, request.caller, 'write')
      await service.remove(
        { found: current, ifMatch: request.headers['if-match'] },
        askingOf(request),
      )
      return reply.code(204).send(null)
    },
  })
}
