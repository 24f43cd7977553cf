// A report for a unit (or the country) and year: the three aggregations, folded into figures per
// group, with each commune's legal floor and the targets of campaigns for that scope and year.
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import { today } from '../../http/dates.js'
import type { Caller } from '../../http/caller.js'
import type { UnitKind } from '../../db/schema.js'
import {
  COMMUNE_LEVEL_KINDS,
  type UnitsService,
  isCommuneLevel,
  toUnitSummary,
} from '../units/index.js'
import { type SentReport, renderReportPdf } from './reports.pdf.js'
import { type Rows, figuresOf, hasRows, legalFloorOf } from './reports.figures.js'
import {
  type ReportScope,
  certificationFigures,
  flowPathsOf,
  meetingFigures,
  reeducationFigures,
} from './reports.queries.js'
import type { Breakdown, Summary } from './reports.schemas.js'
import { type Target, evaluateTargets } from './reports.targets.js'

export interface ReportRequest {
  /** Unit id or code; omitted: the whole country. */
  ref?: string | undefined
  year: number
  hierarchy: 'year' | 'current'
  asOf?: string | undefined
}

export function createReportsService(db: Kysely<DB>, units: UnitsService) {
  /** The unit reported on; without a ref, a scoped key's scope unit, else the whole country. */
  async function rootOf(request: ReportRequest, caller: Caller | null) {
    const ref = request.ref ?? caller?.scopeUnitId ?? undefined
    if (ref === undefined) return null
    const asOf =
      request.asOf ?? (request.hierarchy === 'current' ? today() : `${request.year}-12-31`)
    return units.resolve(ref, asOf, caller)
  }

  async function rowsFor(scope: ReportScope): Promise<Rows> {
    if (scope.root && scope.hierarchy === 'year')
      scope = { ...scope, flowPaths: await flowPathsOf(db, scope.root, scope.year) }
    // Three statements; on a server pool they run side by side.
    const [certifications, meetings, reeducation] = await Promise.all([
      certificationFigures(db, scope),
      meetingFigures(db, scope),
      reeducationFigures(db, scope),
    ])
    return { certifications, meetings, reeducation }
  }

  async function campaignsFor(unitId: string, year: number) {
    const rows = await db
      .selectFrom('campaigns')
      .select(['code', 'targets'])
      .where('scope_unit_id', '=', unitId)
      .where('year', '=', year)
      .orderBy('code')
      .execute()
    return rows.map((r) => ({ code: r.code, targets: r.targets as Target[] }))
  }

  /** The figures of a unit's subtree for a year, with the targets set for it. */
  async function summary(request: ReportRequest, caller: Caller | null): Promise<Summary> {
    const root = await rootOf(request, caller)
    const rows = await rowsFor({
      root,
      year: request.year,
      hierarchy: request.hierarchy,
      today: today(),
      byChild: false,
    })
    const figures = figuresOf(rows, '', false)
    return {
      unit: root && toUnitSummary(root),
      year: request.year,
      hierarchy: request.hierarchy,
      ...figures,
      targets: root ? evaluateTargets(figures, await campaignsFor(root.id, request.year)) : [],
      notAttributable: hasRows(rows, true) ? figuresOf(rows, '', true) : null,
    }
  }

  /** The same figures per child unit valid that year (or today, with hierarchy=current). */
  async function breakdown(request: ReportRequest, caller: Caller | null): Promise<Breakdown> {
    const root = await rootOf(request, caller)
    const day = today()
    const [rows, children] = await Promise.all([
      rowsFor({
        root,
        year: request.year,
        hierarchy: request.hierarchy,
        today: day,
        byChild: true,
      }),
      db
        .selectFrom('units')
        .selectAll()
        .where((eb) => (root ? eb('parent_id', '=', root.id) : eb('parent_id', 'is', null)))
        .where(
          request.hierarchy === 'current'
            ? sql<boolean>`daterange(valid_from, valid_to, '[]') @> ${day}::date`
            : sql<boolean>`daterange(valid_from, valid_to, '[]') && daterange(${`${request.year}-01-01`}::date, ${`${request.year}-12-31`}::date, '[]')`,
        )
        .orderBy('code')
        .orderBy('valid_from')
        .execute(),
    ])
    return {
      unit: root && toUnitSummary(root),
      year: request.year,
      hierarchy: request.hierarchy,
      items: children.map((child) => {
        const figures = figuresOf(rows, child.path, false)
        return {
          unit: toUnitSummary(child),
          ...figures,
          legalFloor: isCommuneLevel(child.kind) ? legalFloorOf(figures, request.year) : null,
        }
      }),
    }
  }

  /** The commune-level kinds valid in the root's subtree during the year (how a document names them). */
  async function communeKindsOf(unitId: string | null, year: number): Promise<UnitKind[]> {
    const { rows } = await sql<{ kind: UnitKind }>`
      select distinct u.kind from units u
      ${unitId === null ? sql`` : sql`join units r on r.id = ${unitId}::uuid and u.path <@ r.path`}
      where u.kind = any(${[...COMMUNE_LEVEL_KINDS]}::text[])
        and daterange(u.valid_from, u.valid_to, '[]')
          && daterange(${`${year}-01-01`}::date, ${`${year}-12-31`}::date, '[]')`.execute(db)
    return rows.map((r) => r.kind)
  }

  /** The summary as a printable document (PDF), with what a sent report adds. */
  async function document(summary: Summary, sent?: SentReport): Promise<Buffer> {
    return renderReportPdf(
      summary,
      await communeKindsOf(summary.unit?.id ?? null, summary.year),
      sent,
    )
  }

  return { summary, breakdown, rootOf, campaignsFor, document }
}

export type ReportsService = ReturnType<typeof createReportsService>
