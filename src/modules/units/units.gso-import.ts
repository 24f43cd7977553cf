// Loads the official list of units (GSO danh mục, as published by the dvhcvn project): provinces,
// districts and communes with their kinds. Idempotent: a code already valid on the snapshot day
// is left alone. Records that do not fit are reported, not fatal.
import { type Kysely, sql } from 'kysely'
import type { DB, UnitKind } from '../../db/schema.js'
import { cleanText } from '../../http/dates.js'
import type { Actor } from '../../http/caller.js'
import { recordAudit } from '../../records/index.js'
import type { GsoFile } from './units.reference-files.js'
import { type UnitRow, unitInsertValues, validOn } from './units.repository.js'

const KINDS: Record<string, UnitKind> = {
  Tỉnh: 'province',
  'Thành phố Trung ương': 'province',
  Huyện: 'district',
  Quận: 'district',
  'Thị xã': 'district',
  'Thành phố': 'district',
  Xã: 'commune',
  Phường: 'ward',
  'Thị trấn': 'town',
}

export interface ImportReport {
  created: number
  unchanged: number
  rejected: { code: string; name: string; reason: string }[]
}

export async function importGsoUnits(
  db: Kysely<DB>,
  file: GsoFile,
  snapshotDate: string,
  actor: Actor,
): Promise<ImportReport> {
  const report: ImportReport = { created: 0, unchanged: 0, rejected: [] }
  const existing = new Map(
    (await db.selectFrom('units').selectAll().where(validOn(snapshotDate)).execute()).map((u) => [
      u.code,
      u,
    ]),
  )
  const pending: ReturnType<typeof unitInsertValues>[] = []

  const place = (
    code: string,
    name: string,
    type: string,
    expected: UnitKind[],
    parent: Pick<UnitRow, 'id' | 'path' | 'code_path'> | null,
  ) => {
    const kind = KINDS[type]
    if (!kind || !expected.includes(kind)) {
      report.rejected.push({
        code,
        name,
        reason: `type "${type}" is not a known ${expected.join('/')} type`,
      })
      return undefined
    }
    if (!/^\d+$/.test(code)) {
      report.rejected.push({ code, name, reason: 'code is not numeric' })
      return undefined
    }
    const found = existing.get(code)
    if (found) {
      report.unchanged++
      return found
    }
    const values = unitInsertValues({
      code,
      name: cleanText(name),
      kind,
      parent,
      validFrom: null,
      validTo: null,
      attributes: { gsoType: type },
    })
    pending.push(values)
    report.created++
    existing.set(code, values as unknown as UnitRow)
    return values
  }

  for (const p of file.data) {
    const province = place(p.level1_id, p.name, p.type, ['province'], null)
    if (!province) continue
    for (const d of p.level2s) {
      const district = place(d.level2_id, d.name, d.type, ['district'], province)
      if (!district) continue
      for (const c of d.level3s)
        place(c.level3_id, c.name, c.type, ['commune', 'ward', 'town'], district)
    }
  }

  await db.transaction().execute(async (tx) => {
    // Parents come before children in `pending`, so batches in order satisfy the foreign key.
    for (let i = 0; i < pending.length; i += 1000)
      await tx
        .insertInto('units')
        .values(pending.slice(i, i + 1000))
        .execute()
    if (report.created > 0) {
      await recordAudit(tx, actor, {
        action: 'apply',
        entity: 'unit-import',
        entityId: `gso-${snapshotDate}`,
        after: { created: report.created, rejected: report.rejected.length },
      })
    }
  })
  // Fresh statistics, or the planner scans every commune for a list until autovacuum runs.
  if (report.created > 0) await sql`analyze units`.execute(db)
  return report
}
