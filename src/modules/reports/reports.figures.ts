// Folding the aggregation rows into the report's figures, and a commune's legal floor.
import { FIRST_YEAR_OF_124 } from '../certifications/index.js'
import type {
  CertificationGroupRow,
  MeetingGroupRow,
  ReeducationGroupRow,
} from './reports.queries.js'
import { type Figures, KIND_GROUPS, type LegalFloor } from './reports.schemas.js'
import { round4 } from './reports.targets.js'

export type Rows = {
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
export function figuresOf(rows: Rows, key: string | null, notAttributable: boolean): Figures {
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

export const hasRows = (rows: Rows, notAttributable: boolean) =>
  [rows.certifications, rows.meetings, rows.reeducation].some((list) =>
    list.some((r) => r.not_attributable === notAttributable),
  )

/** The legal floor of a commune: ≥ 70% of its hamlets (from 2022 also bodies) certified. */
export function legalFloorOf(figures: Figures, year: number): LegalFloor {
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
