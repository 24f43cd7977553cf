import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { UnitKind } from '../../db/schema.js'
import { today } from '../../http/dates.js'
import { preconditionsOf, sendTaggedUnlessMatched } from '../../http/etag.js'
import { listRoute } from '../../http/list-route.js'
import { putAnswer } from '../../http/replies.js'
import {
  noContentResponses,
  putResponses,
  readResponses,
  sendNoContent,
} from '../../http/route-kit.js'
import { IfMatchHeaders, PutPreconditionHeaders } from '../../http/precondition-schemas.js'
import { problemResponses } from '../../http/problem.schema.js'
import { askingOf, requireRole } from '../../http/caller.js'
import type { UnitsService } from '../units/index.js'
import { toCertification } from './certifications.record.js'
import { LEGAL_BASES } from './certifications.rules.js'
import {
  CertificationAsOfQuery,
  CertificationListQuery,
  CertificationPage,
  CertificationParams,
  CertificationSchema,
  LegalBasisList,
  PutCertificationBody,
  WithdrawQuery,
} from './certifications.schemas.js'
import { type CertificationsService, endOfYear } from './certifications.service.js'

const tags = ['certifications']
const path = '/units/:ref/certifications/:year'

export const certificationsRoutes: FastifyPluginAsyncTypebox<{
  service: CertificationsService
  units: UnitsService
}> = async (app, { service, units }) => {
  app.put(path, {
    onRequest: requireRole('editor'),
    schema: {
      operationId: 'putCertification',
      tags,
      summary: 'Record a unit’s assessment for a year (create, or replace with If-Match)',
      description:
        'A code in the path resolves as of 31 December of the year (or `asOf`). The unit must be of an eligible kind and valid during the year; `legalBasis` defaults by year. Replacing an existing record needs If-Match (428 without); a PUT that changes nothing answers 200 without one. `If-None-Match: *` creates only.',
      params: CertificationParams,
      querystring: CertificationAsOfQuery,
      headers: PutPreconditionHeaders,
      body: PutCertificationBody,
      response: putResponses(CertificationSchema),
    },
    handler: async (request, reply) => {
      const { ref, year } = request.params
      const { created, certification } = await service.put(
        {
          ref,
          year,
          asOf: request.query.asOf,
          body: request.body,
          preconditions: preconditionsOf(request),
        },
        askingOf(request),
      )
      const location = `/v1/units/${certification.unit.id}/certifications/${year}`
      return putAnswer(reply, created, location, certification)
    },
  })

  app.get(path, {
    schema: {
      operationId: 'getCertification',
      description:
        'A code in the path resolves as of 31 December of the year (or `asOf`). A withdrawn record answers 404 saying when and why.',
      tags,
      summary: 'Show a unit’s assessment for a year',
      params: CertificationParams,
      querystring: CertificationAsOfQuery,
      response: readResponses(CertificationSchema),
    },
    handler: async (request, reply) => {
      const { ref, year } = request.params
      const certification = await service.get(ref, year, request.query.asOf, request.caller)
      return sendTaggedUnlessMatched(request, reply, certification)
    },
  })

  app.delete(path, {
    onRequest: requireRole('editor'),
    schema: {
      operationId: 'withdrawCertification',
      description:
        'The record is kept with its reason and counts nowhere; a later PUT for the year replaces it. Needs If-Match.',
      tags,
      summary: 'Withdraw a unit’s assessment for a year, with a reason (kept and audited)',
      params: CertificationParams,
      querystring: WithdrawQuery,
      headers: IfMatchHeaders,
      response: noContentResponses('Withdrawn'),
    },
    handler: async (request, reply) => {
      const { ref, year } = request.params
      await service.withdraw(
        {
          ref,
          year,
          asOf: request.query.asOf,
          reason: request.query.reason,
          ifMatch: request.headers['if-match'],
        },
        askingOf(request),
      )
      return sendNoContent(reply)
    },
  })

  listRoute(app, '/certifications', {
    operationId: 'listCertifications',
    description:
      'Assessments in the key’s scope, ordered by year, unit code and id, with cursor pagination; withdrawn ones only with `status=withdrawn` or `all`.',
    tags,
    summary: 'List assessments by year, unit or subtree, kind, result, legal basis or rating',
    querystring: CertificationListQuery,
    page: CertificationPage,
    errors: [403, 404],
    resolve: async ({ query: q, caller }) => {
      const asOf = q.asOf ?? (q.year !== undefined ? endOfYear(q.year) : today())
      const unit = q.unit ? await units.resolve(q.unit, asOf, caller) : undefined
      const under = q.under ? await units.resolve(q.under, asOf, caller) : undefined
      return { unit, under }
    },
    cursor: 3,
    keyOf: (row): [number, string, string] => [row.year, row.unit_code, row.id],
    rows: async ({ query: q, caller }, after, { unit, under }) =>
      service.list({
        limit: q.limit,
        scopePath: await units.scopePathOf(caller),
        status: q.status,
        ...(after ? { after } : {}),
        ...(q.year !== undefined ? { year: q.year } : {}),
        ...(unit ? { unitId: unit.id } : {}),
        ...(under ? { underPath: under.path } : {}),
        ...(q.kind ? { kinds: q.kind.split(',') as UnitKind[] } : {}),
        ...(q.result ? { result: q.result } : {}),
        ...(q.legalBasis ? { legalBasis: q.legalBasis } : {}),
        ...(q.movementRating ? { movementRating: q.movementRating } : {}),
      }),
    toItem: toCertification,
  })

  app.get('/certifications/legal-bases', {
    schema: {
      operationId: 'listLegalBases',
      description:
        'The circulars assessments are made under, with the assessment years each applies to and the default for a year.',
      tags,
      summary: 'The legal instruments assessments are made under, and their assessment years',
      response: { 200: LegalBasisList, ...problemResponses(403) },
    },
    handler: () => ({ items: LEGAL_BASES.map((basis) => ({ ...basis })) }),
  })
}
