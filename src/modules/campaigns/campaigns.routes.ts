import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { today } from '../../http/dates.js'
import { listRoute } from '../../http/list-route.js'
import { creationRoute } from '../../http/creation-route.js'
import { resourceRoutes } from '../../http/resource-routes.js'
import { problemResponses } from '../../http/problem.schema.js'
import { requireRole } from '../../http/caller.js'
import type { ReportsService } from '../reports/index.js'
import type { UnitsService } from '../units/index.js'
import {
  CampaignCodeParams,
  CampaignListQuery,
  CampaignPage,
  CampaignSchema,
  CreateCampaignBody,
  PatchCampaignBody,
  ProgressSchema,
} from './campaigns.schemas.js'
import { type CampaignsService, toCampaign } from './campaigns.service.js'

const tags = ['campaigns']

export const campaignsRoutes: FastifyPluginAsyncTypebox<{
  service: CampaignsService
  units: UnitsService
  reports: ReportsService
}> = async (app, { service, units, reports }) => {
  creationRoute(app, '', {
    operationId: 'createCampaign',
    description:
      'A campaign holds targets for a scope unit and a year, e.g. at least 80% of hamlets certified. Its code is unique; sending it again answers 409 with the existing campaign’s Location.',
    tags,
    summary: 'Set a campaign’s targets for a scope unit and year',
    body: CreateCampaignBody,
    resource: CampaignSchema,
    create: service.create,
    locationOf: (campaign) => `/v1/campaigns/${campaign.code}`,
  })

  listRoute(app, '', {
    operationId: 'listCampaigns',
    description:
      'Campaigns (thi đua) whose scope is inside the key’s scope, by year or scope subtree.',
    tags,
    summary: 'List campaigns, by year or scope subtree',
    querystring: CampaignListQuery,
    page: CampaignPage,
    errors: [403],
    cursor: 1,
    keyOf: (row): [string] => [row.code],
    rows: async ({ query: q, caller }, after) => {
      const asOf = q.year !== undefined ? `${q.year}-12-31` : today()
      const under = q.under ? await units.resolve(q.under, asOf, caller) : undefined
      return service.list({
        limit: q.limit,
        caller,
        ...(under ? { underPath: under.path } : {}),
        ...(q.year !== undefined ? { year: q.year } : {}),
        // A code read back from a cursor is text, whatever JSON type it came as.
        ...(after ? { after: String(after[0]) } : {}),
      })
    },
    toItem: toCampaign,
  })

  resourceRoutes(app, '/:code', {
    tags,
    params: CampaignCodeParams,
    resource: CampaignSchema,
    writers: requireRole('editor'),
    find: (request, access) => service.find(request.params.code, request.caller, access),
    show: toCampaign,
    get: {
      operationId: 'getCampaign',
      description:
        'The campaign with its targets; its ETag is what a change must send in If-Match.',
      summary: 'Show a campaign',
    },
    patch: {
      operationId: 'updateCampaign',
      description:
        'Change the name or the targets; needs the current ETag in If-Match (428 without, 412 when stale).',
      summary: 'Change a campaign’s name or targets (If-Match required)',
      body: PatchCampaignBody,
      ifMatch: 'required',
      apply: service.patch,
    },
    delete: {
      operationId: 'deleteCampaign',
      description: 'For a campaign set up by mistake; needs If-Match. The audit keeps it.',
      summary: 'Delete a campaign set up by mistake (audited)',
      apply: service.remove,
    },
  })

  app.get('/:code/progress', {
    schema: {
      operationId: 'getCampaignProgress',
      description:
        'Each target measured live from the records of the campaign’s scope and year, with its actual value and whether it is met.',
      tags,
      summary: 'Each target of a campaign with its actual value and whether it is met',
      params: CampaignCodeParams,
      response: { 200: ProgressSchema, ...problemResponses(403, 404) },
    },
    handler: async (request) => {
      const campaign = toCampaign(await service.find(request.params.code, request.caller, 'read'))
      // The summary of the campaign's scope and year already measures every campaign set there.
      const summary = await reports.summary(
        { ref: campaign.scope.id, year: campaign.year, hierarchy: 'year' },
        request.caller,
      )
      return {
        campaign: { code: campaign.code, name: campaign.name, year: campaign.year },
        scope: campaign.scope,
        targets: summary.targets.filter((target) => target.campaign === campaign.code),
      }
    },
  })
}
