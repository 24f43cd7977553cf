import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { today } from '../../http/dates.js'
import { listRoute } from '../../http/list-route.js'
import { decodeCursor, toJsonPage } from '../../http/pagination.js'
import { sendJson } from '../../http/raw-json.js'
import { creationRoute } from '../../http/creation-route.js'
import { resourceRoutes } from '../../http/resource-routes.js'
import { problemResponses } from '../../http/problem.schema.js'
import { requireRole } from '../../http/caller.js'
import type { UnitListRow } from './units.list.js'
import { toUnit } from './units.mapper.js'
import {
  AsOfQuery,
  ChildrenQuery,
  CreateUnitBody,
  PatchUnitBody,
  UnitList,
  UnitListQuery,
  UnitPage,
  UnitRefParams,
  UnitSchema,
} from './units.schemas.js'
import type { UnitsService } from './units.service.js'
import { LineageSchema } from './unit-changes.schemas.js'
import type { UnitChangesService } from './unit-changes.service.js'
import type { UnitKind } from '../../db/schema.js'

const tags = ['units']
const unitJsonOf = (row: UnitListRow) => row.unit_json

export const unitsRoutes: FastifyPluginAsyncTypebox<{
  service: UnitsService
  changes: UnitChangesService
}> = async (app, { service, changes }) => {
  const unitRef = (
    ref: string,
    asOf: string | undefined,
    request: { caller: Parameters<typeof service.resolve>[2] },
    access: 'read' | 'write' = 'read',
  ) => service.resolve(ref, asOf ?? today(), request.caller, access)
  const kindsOf = (kind?: string) => (kind ? (kind.split(',') as UnitKind[]) : undefined)

  app.get('', {
    schema: {
      operationId: 'listUnits',
      description:
        'Units valid on `asOf` (default today) in the key’s scope, ordered by code, with cursor pagination; `q` searches names without diacritics.',
      tags,
      summary: 'List units valid on a day, by kind, parent, subtree or search',
      querystring: UnitListQuery,
      response: { 200: UnitPage, ...problemResponses(403, 404) },
    },
    handler: async (request, reply) => {
      const query = request.query
      const asOf = query.asOf ?? today()
      // A parent is resolved inside the list's statement, as `under` is, unless both are given.
      const parent =
        query.parent && query.under ? await unitRef(query.parent, asOf, request) : undefined
      const q = query.q?.trim() || undefined
      const cursor = query.cursor ? decodeCursor(query.cursor, q ? 1 : 2) : undefined
      const scopePath = await service.scopePathOf(request.caller)
      const rows = await service.list({
        limit: query.limit,
        asOf,
        includeClosed: query.includeClosed,
        scopePath,
        ...(kindsOf(query.kind) ? { kinds: kindsOf(query.kind)! } : {}),
        ...(parent ? { parentId: parent.id } : query.parent ? { parentRef: query.parent } : {}),
        ...(query.under ? { underRef: query.under } : {}),
        ...(q
          ? { q, offset: Number(cursor?.[0] ?? 0) }
          : cursor
            ? { after: cursor as [string, string] }
            : {}),
      })
      // `under` (or `parent`) was resolved inside the query. With no rows, or that unit outside the
      // key's scope, resolving it alone gives the answer (404, or an empty page for a unit with
      // nothing below).
      const rootRef = query.under ?? query.parent
      const root = rows[0]?.root_path
      if (rootRef && (root == null || !service.inScope({ path: root }, scopePath)))
        await unitRef(rootRef, asOf, request)
      const offset = Number(cursor?.[0] ?? 0)
      return sendJson(
        reply,
        toJsonPage(rows, query.limit, unitJsonOf, (row) =>
          q ? [offset + query.limit] : [row.code, row.id],
        ),
      )
    },
  })

  creationRoute(app, '', {
    operationId: 'createUnit',
    description:
      'A unit hangs under a parent of an allowed kind (by id, or code as of validFrom), valid within the parent’s validity; its code may not overlap another unit’s code in time. Takes an Idempotency-Key.',
    tags,
    summary: 'Create a unit',
    body: CreateUnitBody,
    resource: UnitSchema,
    create: async (body, asking) => toUnit(await service.create(body, asking)),
    locationOf: (unit) => `/v1/units/${unit.id}`,
  })

  resourceRoutes(app, '/:ref', {
    tags,
    params: UnitRefParams,
    querystring: AsOfQuery,
    resource: UnitSchema,
    writers: requireRole('editor'),
    find: (request, access) => unitRef(request.params.ref, request.query.asOf, request, access),
    show: toUnit,
    get: {
      operationId: 'getUnit',
      description:
        'A code resolves as of `asOf` (default today): codes are reused over time. Outside the key’s scope a unit reads like one that does not exist (404).',
      summary: 'Show a unit by id, or by code as of a day',
    },
    patch: {
      operationId: 'updateUnit',
      description:
        'Corrections of name, validity (within the parent’s, around the children’s) and attributes; a change of code, kind or parent is a reorganisation (POST /v1/unit-changes). Needs If-Match.',
      summary:
        'Correct a unit’s name, validity or attributes (If-Match required); set validTo to close it',
      body: PatchUnitBody,
      ifMatch: 'required',
      errors: [409],
      apply: async (change, asking) => toUnit(await service.patch(change, asking)),
    },
    delete: {
      operationId: 'deleteUnit',
      description:
        'Only for a unit entered by mistake: one with child units or records cannot be deleted (409); close it with validTo instead. Needs If-Match.',
      summary:
        'Delete a unit entered by mistake (only with no children or records; otherwise close it)',
      errors: [409],
      apply: service.remove,
    },
  })

  listRoute(app, '/:ref/children', {
    operationId: 'listUnitChildren',
    description:
      'Direct children valid on `asOf` (default today), by code, with cursor pagination.',
    tags,
    summary: 'Direct children of a unit valid on a day',
    params: UnitRefParams,
    querystring: ChildrenQuery,
    page: UnitPage,
    errors: [403, 404],
    // The day is asOf or today, once: the parent resolves and its children list on the same day.
    resolve: async (request) => {
      const asOf = request.query.asOf ?? today()
      return { asOf, unit: await unitRef(request.params.ref, asOf, request) }
    },
    cursor: 2,
    keyOf: (row): [string, string] => [row.code, row.id],
    rows: ({ query }, after, { asOf, unit }) => {
      const kinds = kindsOf(query.kind)
      return service.list({
        limit: query.limit,
        asOf,
        includeClosed: false,
        parentId: unit.id,
        ...(kinds ? { kinds } : {}),
        ...(after ? { after } : {}),
      })
    },
    jsonOf: unitJsonOf,
  })

  app.get('/:ref/ancestors', {
    schema: {
      operationId: 'listUnitAncestors',
      description:
        'From the root (province) down to the unit’s parent, as the hierarchy is stored.',
      tags,
      summary: 'A unit’s ancestors, from the root down to its parent',
      params: UnitRefParams,
      querystring: AsOfQuery,
      response: { 200: UnitList, ...problemResponses(403, 404) },
    },
    handler: async (request) => {
      const unit = await unitRef(request.params.ref, request.query.asOf, request)
      const scopePath = await service.scopePathOf(request.caller)
      const rows = await service.ancestors(unit)
      // Ancestors above a scoped key's unit are outside its scope.
      return { items: rows.filter((row) => service.inScope(row, scopePath)).map(toUnit) }
    },
  })
  app.get('/:ref/lineage', {
    schema: {
      operationId: 'getUnitLineage',
      description:
        'Units this one came from and went into through reorganisations, transitively, each with its coverage, depth, kind of change, effective date and legal basis.',
      tags,
      summary: 'Predecessors and successors of a unit through reorganisations, transitively',
      params: UnitRefParams,
      querystring: AsOfQuery,
      response: { 200: LineageSchema, ...problemResponses(403, 404) },
    },
    handler: async (request) =>
      changes.lineageOf(await unitRef(request.params.ref, request.query.asOf, request)),
  })
}
