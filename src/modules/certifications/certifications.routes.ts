import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { UnitKind } from '../../db/schema.js'
import { today } from '../../http/dates.js'
import { listRoute } from '../../http/list-route.js'
import { putResourceRoutes } from '../../http/put-resource-routes.js'
import { problemResponses } from '../../http/problem.schema.js'
import { requireRole } from '../../http/caller.js'
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
  putResourceRoutes(app, path, {
    tags,
    params: CertificationParams,
    querystring: CertificationAsOfQuery,
    resource: CertificationSchema,
    writers: requireRole('editor'),
    put: {
      operationId: 'putCertification',
      summary: 'Record a unit’s assessment for a year (create, or replace with If-Match)',
      description:
        'A code in the path resolves as of 31 December of the year (or `asOf`). The unit must be of an eligible kind and valid during the year; `legalBasis` defaults by year. Replacing an existing record needs If-Match (428 without); a PUT that changes nothing answers 200 without one. `If-None-Match: *` creates only.',
      body: PutCertificationBody,
      apply: async ({ params: { ref, year }, query, body, preconditions }, asking) => {
        const { created, certification } = await service.put(
          { ref, year, asOf: query.asOf, body, preconditions },
          asking,
        )
        const location = `/v1/units/${certification.unit.id}/certifications/${year}`
        return { created, resource: certification, location }
      },
    },
    get: {
      operationId: 'getCertification',
      description:
        'A code in the path resolves as of 31 December of the year (or `asOf`). A withdrawn record answers 404 saying when and why.',
      summary: 'Show a unit’s assessment for a year',
      find: ({ params: { ref, year }, query, caller }) =>
        service.get(ref, year, query.asOf, caller),
    },
    delete: {
      operationId: 'withdrawCertification',
      description:
        'The record is kept with its reason and counts nowhere; a later PUT for the year replaces it. Needs If-Match.',
      summary: 'Withdraw a unit’s assessment for a year, with a reason (kept and audited)',
      querystring: WithdrawQuery,
      done: 'Withdrawn',
      apply: ({ params: { ref, year }, query: { asOf, reason }, ifMatch }, asking) =>
        service.withdraw({ ref, year, asOf, reason, ifMatch }, asking),
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
