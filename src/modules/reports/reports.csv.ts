// Reports as CSV for Excel: UTF-8 with a byte-order mark (so Vietnamese shows right), CRLF rows,
// one row per unit, the nested figures flattened into columns.
import { KIND_GROUPS, type Breakdown, type Figures, type Summary } from './reports.schemas.js'

const cell = (value: string | number | boolean | null) => {
  if (value === null) return ''
  // Text that Excel would read as a formula (=, +, -, @) is prefixed with an apostrophe, so a
  // unit name can never run as one (CSV injection).
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

const FIGURE_COLUMNS = [
  ...KIND_GROUPS.flatMap((g) => [`${g}_eligible`, `${g}_assessed`, `${g}_certified`, `${g}_rate`]),
  ...KIND_GROUPS.map((g) => `weak_${g}`),
  'forums',
  'hamlets_covered',
  'consultations',
  'attendees',
  'forms_distributed',
  'forms_returned',
  'opinions_received',
  'opinions_answered_on_site',
  'opinions_referred',
  'tips_received',
  're_educated',
  'reformed',
  'under_management',
]

function figureCells(f: Figures): (string | number | boolean | null)[] {
  const c = f.certifications
  const m = f.meetings
  return [
    ...KIND_GROUPS.flatMap((g) => [c[g].eligible, c[g].assessed, c[g].certified, c[g].rate]),
    ...KIND_GROUPS.map((g) => c.weak[g]),
    m.forums,
    m.hamletsCovered,
    m.consultations,
    m.attendees,
    m.formsDistributed,
    m.formsReturned,
    m.opinionsReceived,
    m.opinionsAnsweredOnSite,
    m.opinionsReferred,
    m.tipsReceived,
    f.reeducation.reEducated,
    f.reeducation.reformed,
    f.reeducation.underManagement,
  ]
}

const toCsv = (rows: (string | number | boolean | null)[][]) =>
  `\uFEFF${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`

export function summaryCsv(summary: Summary): string {
  return toCsv([
    ['unit_code', 'unit_name', 'unit_kind', 'year', 'hierarchy', ...FIGURE_COLUMNS],
    [
      summary.unit?.code ?? '',
      summary.unit?.name ?? 'Toàn quốc',
      summary.unit?.kind ?? 'country',
      summary.year,
      summary.hierarchy,
      ...figureCells(summary),
    ],
  ])
}

export function breakdownCsv(breakdown: Breakdown): string {
  return toCsv([
    [
      'unit_code',
      'unit_name',
      'unit_kind',
      'year',
      'hierarchy',
      ...FIGURE_COLUMNS,
      'legal_floor_rate',
      'legal_floor_met',
    ],
    ...breakdown.items.map((item) => [
      item.unit.code,
      item.unit.name,
      item.unit.kind,
      breakdown.year,
      breakdown.hierarchy,
      ...figureCells(item),
      item.legalFloor?.rate ?? null,
      item.legalFloor?.met ?? null,
    ]),
  ])
}
