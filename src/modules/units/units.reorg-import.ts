// Applies the 2025-07-01 reorganisation file (34 provinces, 3,321 communes, each with the old
// units it was formed from) as unit changes, one transaction per new unit. Idempotent: a new unit
// already opened on the effective date is skipped. What the file cannot support is reported.
import { type Kysely, sql } from 'kysely'
import type { DB, UnitKind } from '../../db/schema.js'
import { dayBefore } from '../../http/dates.js'
import { HttpProblem } from '../../http/errors.js'
import type { Actor } from '../../http/caller.js'
import type { ReorgFile } from './units.reference-files.js'
import { validOn } from './units.repository.js'
import type { UnitsService } from './units.service.js'
import { createUnitChangesService } from './unit-changes.service.js'

type Merge = ReorgFile['data'][number]['merges'][number]

const COMMUNE_KINDS: Record<string, UnitKind> = {
  Xã: 'commune',
  Phường: 'ward',
  'Đặc khu': 'special_zone',
}
const kindOfName = (name: string) =>
  Object.entries(COMMUNE_KINDS).find(([word]) => name.startsWith(`${word} `))?.[1]

export interface ReorgReport {
  applied: number
  unchanged: number
  rejected: { code: string; name: string; reason: string }[]
  missingPredecessors: { code: string; oldCode: string }[]
}

export async function applyReorganisation(
  db: Kysely<DB>,
  units: UnitsService,
  file: ReorgFile,
  effectiveDate: string,
  legalBasis: string,
  actor: Actor,
  /** Called after each new unit with how many of the file's units are done. */
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ReorgReport> {
  const changes = createUnitChangesService(db, units)
  const report: ReorgReport = { applied: 0, unchanged: 0, rejected: [], missingPredecessors: [] }
  const closeDate = dayBefore(effectiveDate)
  const opened = new Set(
    (
      await db.selectFrom('units').select('code').where('valid_from', '=', effectiveDate).execute()
    ).map((u) => u.code),
  )
  const before = new Set(
    (await db.selectFrom('units').select('code').where(validOn(closeDate)).execute()).map(
      (u) => u.code,
    ),
  )

  const apply = async (
    code: string,
    name: string,
    kind: UnitKind | undefined,
    merges: Merge[],
    parentCode: string | null,
    closeChildren: boolean,
  ) => {
    if (opened.has(code)) return report.unchanged++
    if (!kind)
      return report.rejected.push({ code, name, reason: 'the kind cannot be told from the name' })
    const from = merges.filter((m) => before.has(m.old_id))
    for (const m of merges)
      if (!before.has(m.old_id)) report.missingPredecessors.push({ code, oldCode: m.old_id })
    if (from.length === 0)
      return report.rejected.push({
        code,
        name,
        reason: 'none of its old units exists the day before',
      })
    try {
      await changes.apply(
        {
          change: {
            type: 'merge',
            effectiveDate,
            legalBasis,
            from: from.map((m) => ({ ref: m.old_id, coverage: m.type })),
            to: [{ code, name, kind, ...(parentCode ? { parentCode } : {}) }],
            children: closeChildren ? 'close' : 'recreate',
          },
          dryRun: false,
        },
        { caller: null, actor },
      )
      opened.add(code)
      report.applied++
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error
      report.rejected.push({ code, name, reason: `${error.code}: ${error.message}` })
    }
    return undefined
  }

  // Provinces first (their districts and communes close with them), then the new communes.
  const total = file.data.reduce((sum, p) => sum + 1 + p.level2s.length, 0)
  let done = 0
  for (const p of file.data) {
    await apply(p.level1_id, p.name, 'province', p.merges, null, true)
    onProgress(++done, total)
  }
  for (const p of file.data) {
    for (const c of p.level2s) {
      await apply(c.level2_id, c.name, kindOfName(c.name), c.merges, p.level1_id, false)
      onProgress(++done, total)
    }
  }
  if (report.applied > 0) await sql`analyze units, unit_lineage`.execute(db)
  return report
}
