// A report for a unit and year: the three aggregations, assembled into figures per group, the
// legal floor of each commune, and the targets of campaigns for that scope and year.
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import { today } from '../../http/dates.js'
import type { Principal } from '../api-keys/index.js'
import { FIRST_YEAR_OF_124 } from '../certifications/index.js'
import { type UnitsService, isCommuneLevel, toUnitSummary } from '../units/index.js'
import {
  type CertificationGroupRow,
  type MeetingGroupRow,
  type ReeducationGroupRow,
  type ReportScope,
  certificationFigures,
  meetingFigures,
  reeducationFigures,
} from './reports.queries.js'
import {
  type Breakdown,
  type Figures,
  KIND_GROUPS,
  type LegalFloor,
  type Summary,
} from './reports.schemas.js'
import { type Target, evaluateTargets, round4 } from './reports.targets.js'

type Rows = {
  certifications: CertificationGroupRow[]
  meetings: MeetingGroupRow[]
  reeducation: ReeducationGroupRow[]
}

export function emptyFigures(): Figures {
  const group = () => ({ eligible: 0, assessed: 0, certified: 0, rate: null })
  return {
    certifications: {
      communeLevel: group(),
      hamlet: group(),
      agency: group(),
      business: group(),
      school: group(),
      weak: { communeLevel: 0, hamlet: 0, agency: 0, business: 0, school: 0 },
    },
    meetings: {
      forums: 0,
      hamletsCovered: 0,
      consultations: 0,
      attendees: 0,
      formsDistributed: 0,
      formsReturned: 0,
      opinionsReceived: 0,
      opinionsAnsweredOnSite: 0,
      opinionsReferred: 0,
      tipsReceived: 0,
    },
    reeducation: { reEducated: 0, reformed: 0, underManagement: 0 },
  }
}

/** Folds the rows of one group (key and attribution) into figures. */
function figuresOf(rows: Rows, key: string | null, notAttributable: boolean): Figures {
  const figures = emptyFigures()
  const mine = <R extends { key: string | null; not_attributable: boolean }>(list: R[]) =>
    list.filter((r) => r.key === key && r.not_attributable === notAttributable)
  for (const row of mine(rows.certifications)) {
    const group = figures.certifications[row.kind_group]
    group.eligible += Number(row.eligible)
    group.assessed += Number(row.assessed)
    group.certified += Number(row.certified)
    figures.certifications.weak[row.kind_group] += Number(row.weak)
  }
  for (const g of KIND_GROUPS) {
    const group = figures.certifications[g]
    group.rate = group.eligible === 0 ? null : round4(group.certified / group.eligible)
  }
  for (const row of mine(rows.meetings)) {
    const m = figures.meetings
    m.forums += Number(row.forums)
    m.hamletsCovered += Number(row.hamlets_covered)
    m.consultations += Number(row.consultations)
    m.attendees += Number(row.attendees)
    m.formsDistributed += Number(row.forms_distributed)
    m.formsReturned += Number(row.forms_returned)
    m.opinionsReceived += Number(row.opinions_received)
    m.opinionsAnsweredOnSite += Number(row.opinions_answered_on_site)
    m.opinionsReferred += Number(row.opinions_referred)
    m.tipsReceived += Number(row.tips_received)
  }
  for (const row of mine(rows.reeducation)) {
    figures.reeducation.reEducated += Number(row.re_educated)
    figures.reeducation.reformed += Number(row.reformed)
    figures.reeducation.underManagement += Number(row.under_management)
  }
  return figures
}

const hasRows = (rows: Rows, notAttributable: boolean) =>
  [rows.certifications, rows.meetings, rows.reeducation].some((list) =>
    list.some((r) => r.not_attributable === notAttributable),
  )

/** The legal floor of a commune: ≥ 70% of its hamlets (from 2022 also bodies) certified. */
function legalFloorOf(figures: Figures, year: number): LegalFloor {
  const c = figures.certifications
  const groups =
    year >= FIRST_YEAR_OF_124
      ? (['hamlet', 'agency', 'business', 'school'] as const)
      : (['hamlet'] as const)
  const eligible = groups.reduce((sum, g) => sum + c[g].eligible, 0)
  const certified = groups.reduce((sum, g) => sum + c[g].certified, 0)
  const rate = eligible === 0 ? null : round4(certified / eligible)
  return {
    basis:
      year >= FIRST_YEAR_OF_124
        ? '124/2021/TT-BCA: hamlets, agencies, businesses, schools ≥ 70%'
        : '23/2012/TT-BCA: hamlets ≥ 70%',
    eligible,
    certified,
    rate,
    met: rate === null ? null : rate >= 0.7,
  }
}

export interface ReportRequest {
  /** Unit id or code; omitted: the whole country. */
  ref?: string | undefined
  year: number
  hierarchy: 'year' | 'current'
  asOf?: string | undefined
}

export function createReportsService(db: Kysely<DB>, units: UnitsService) {
  /** The unit reported on; without a ref, a scoped key's scope unit, else the whole country. */
  async function rootOf(request: ReportRequest, principal: Principal | null) {
    const ref = request.ref ?? principal?.scopeUnitId ?? undefined
    if (ref === undefined) return null
    const asOf =
      request.asOf ?? (request.hierarchy === 'current' ? today() : `${request.year}-12-31`)
    return units.resolve(ref, asOf, principal)
  }

  async function rowsFor(scope: ReportScope): Promise<Rows> {
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
  async function summary(request: ReportRequest, principal: Principal | null): Promise<Summary> {
    const root = await rootOf(request, principal)
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
  async function breakdown(
    request: ReportRequest,
    principal: Principal | null,
  ): Promise<Breakdown> {
    const root = await rootOf(request, principal)
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

  return { summary, breakdown, rootOf, campaignsFor }
}

export type ReportsService = ReturnType<typeof createReportsService>
