import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { today } from '../../http/dates.js'
import { listRoute } from '../../http/list-route.js'
import { creationRoute } from '../../http/creation-route.js'
import { resourceRoutes } from '../../http/resource-routes.js'
import { requireRole } from '../../http/caller.js'
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
  creationRoute(app, '', {
    operationId: 'createMeeting',
    description:
      'A forum is held at a hamlet or a commune-level unit, a consultation at any administrative unit, on a day not in the future; the unit resolves as of that day. Counts only, never people. Takes an Idempotency-Key.',
    tags,
    summary: 'Record a forum or a consultation',
    body: CreateMeetingBody,
    resource: MeetingSchema,
    create: service.create,
    locationOf: (meeting) => `/v1/meetings/${meeting.id}`,
  })

  listRoute(app, '', {
    operationId: 'listMeetings',
    description:
      'Forums and consultations in the key’s scope, by the day held, with cursor pagination; `externalId` finds a meeting by its id in the sending system.',
    tags,
    summary: 'List meetings by subtree, unit, dates, format or external id',
    querystring: MeetingListQuery,
    page: MeetingPage,
    errors: [403, 404],
    resolve: ({ query: q, caller }) => units.recordUnitsOf(q, q.asOf ?? q.to ?? today(), caller),
    cursor: 2,
    keyOf: (row): [string, string] => [row.held_on, row.id],
    rows: ({ query: q }, after, recordUnits) =>
      service.list({
        limit: q.limit,
        ...recordUnits,
        ...(after ? { after } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        ...(q.format ? { format: q.format } : {}),
        ...(q.externalId ? { externalId: q.externalId } : {}),
      }),
    toItem: toMeeting,
  })

  resourceRoutes(app, '/:id', {
    tags,
    params: MeetingIdParams,
    resource: MeetingSchema,
    writers: requireRole('editor'),
    find: (request, access) => service.find(request.params.id, request.caller, access),
    show: toMeeting,
    get: {
      operationId: 'getMeeting',
      description: 'The meeting with its counts; its ETag is what a change must send in If-Match.',
      summary: 'Show a meeting',
    },
    patch: {
      operationId: 'updateMeeting',
      description:
        'Correct fields of a meeting (the rules of creation apply to the result); needs the current ETag in If-Match.',
      summary: 'Correct a meeting (If-Match required)',
      body: PatchMeetingBody,
      ifMatch: 'required',
      errors: [409],
      apply: service.patch,
    },
    delete: {
      operationId: 'deleteMeeting',
      description: 'For a meeting recorded by mistake; needs If-Match. The audit keeps it.',
      summary: 'Delete a meeting recorded by mistake (audited)',
      errors: [409],
      apply: service.remove,
    },
  })
}
