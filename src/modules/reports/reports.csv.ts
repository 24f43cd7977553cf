// Reports as CSV for Excel: UTF-8 with a byte-order mark (so Vietnamese shows right), CRLF rows,
// one row per unit, the nested figures flattened into columns named by their place in the JSON
// report (`certifications.hamlet.eligible`, `meetings.formsDistributed`), as the imports and
// exports name theirs after the JSON fields.
import { KIND_GROUPS, type Breakdown, type Figures, type Summary } from './reports.schemas.js'

const cell = (value: string | number | boolean | null) => {
  if (value === null) return ''
  // Text that Excel would read as a formula (=, +, -, @) is prefixed with an apostrophe, so a
  // unit name can never run as one (CSV injection).
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

const FIGURE_COLUMNS = [
  ...KIND_GROUPS.flatMap((g) =>
    ['eligible', 'assessed', 'certified', 'rate'].map((f) => `certifications.${g}.${f}`),
  ),
  ...KIND_GROUPS.map((g) => `certifications.weak.${g}`),
  ...[
    'forums',
    'hamletsCovered',
    'consultations',
    'attendees',
    'formsDistributed',
    'formsReturned',
    'opinionsReceived',
    'opinionsAnsweredOnSite',
    'opinionsReferred',
    'tipsReceived',
  ].map((f) => `meetings.${f}`),
  ...['reEducated', 'reformed', 'underManagement'].map((f) => `reeducation.${f}`),
]
const UNIT_COLUMNS = ['unit.code', 'unit.name', 'unit.kind', 'year', 'hierarchy']

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
    [...UNIT_COLUMNS, ...FIGURE_COLUMNS],
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
    [...UNIT_COLUMNS, ...FIGURE_COLUMNS, 'legalFloor.rate', 'legalFloor.met'],
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
