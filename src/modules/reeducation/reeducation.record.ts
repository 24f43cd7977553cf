// Re-education counts declared once: the fields a PUT writes (API name, column, SQL type) in the
// order the API shows them. The JSON answer (toReeducation), the export's columns and the writer's
// arrays derive from this list. The audit holds toReeducation's output (its warnings are computed
// here, not in SQL), completed by the database with the id and timestamps only it knows.
import { type Fields, apiValuesOf } from '../../records/index.js'
import type { ReeducationRow } from './reeducation.repository.js'
import type { Reeducation, Warning } from './reeducation.schemas.js'

export const WRITTEN_FIELDS = {
  reEducated: { column: 're_educated', type: 'integer' },
  reformed: { column: 'reformed', type: 'integer' },
  underManagement: { column: 'under_management', type: 'integer' },
  byCategory: { column: 'by_category', type: 'jsonb' },
  byOrganisation: { column: 'by_organisation', type: 'jsonb' },
  note: { column: 'note', type: 'text' },
} as const satisfies Fields

const sum = (breakdown: Record<string, number>) =>
  Object.values(breakdown).reduce((a, b) => a + b, 0)

/** Figures that do not add up. Warnings, not errors: how the counts relate is not fixed by law. */
export function warningsOf(
  row: Pick<
    ReeducationRow,
    're_educated' | 'reformed' | 'under_management' | 'by_category' | 'by_organisation'
  >,
): Warning[] {
  const warnings: Warning[] = []
  for (const [field, breakdown] of [
    ['byCategory', row.by_category],
    ['byOrganisation', row.by_organisation],
  ] as const) {
    if (breakdown && sum(breakdown) !== row.re_educated)
      warnings.push({
        code: 'BREAKDOWN_SUM_MISMATCH',
        pointer: `/${field}`,
        detail: `${field} adds up to ${sum(breakdown)}, reEducated is ${row.re_educated}.`,
      })
  }
  if (row.reformed + row.under_management > row.re_educated)
    warnings.push({
      code: 'OUTCOMES_EXCEED_TOTAL',
      pointer: '/reformed',
      detail: `reformed (${row.reformed}) + underManagement (${row.under_management}) exceed reEducated (${row.re_educated}).`,
    })
  return warnings
}

/** Keys in alphabetical order (jsonb keeps its own), so that a record reads back the same. */
export const sortedBreakdown = (breakdown: Record<string, number> | null | undefined) =>
  breakdown
    ? Object.fromEntries(Object.entries(breakdown).sort(([a], [b]) => (a < b ? -1 : 1)))
    : null

export function toReeducation(row: ReeducationRow): Reeducation {
  return {
    id: row.id,
    unit: { id: row.unit_id, code: row.unit_code, name: row.unit_name, kind: row.unit_kind },
    period: row.period,
    periodType: row.period_type,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    ...(apiValuesOf(WRITTEN_FIELDS, row) as Pick<
      Reeducation,
      'reEducated' | 'reformed' | 'underManagement' | 'note'
    >),
    byCategory: sortedBreakdown(row.by_category),
    byOrganisation: sortedBreakdown(row.by_organisation),
    warnings: warningsOf(row),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
