// Reorganisations: in one transaction, close the old units the day before the effective date,
// open the new ones (which may reuse a closing unit's code), carry still-valid children over as
// new versions under the successor (or close them), and record lineage.
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import { cleanText, dayAfter, dayBefore } from '../../http/dates.js'
import { unprocessable } from '../../http/errors.js'
import type { Asking } from '../../http/caller.js'
import { type AuditEntry, recordAudit, recordAuditBatch } from '../../records/index.js'
import { toUnit } from './units.mapper.js'
import type { UnitRow } from './units.repository.js'
import type { UnitsService } from './units.service.js'
import type { UnitChange, UnitChangeResult } from './unit-changes.schemas.js'

type Coverage = 'full' | 'partial'

class DryRunRollback extends Error {
  constructor(readonly result: UnitChangeResult) {
    super('dry run')
  }
}

const ARITY: Record<UnitChange['type'], { from: [number, number]; to: [number, number] }> = {
  merge: { from: [1, Infinity], to: [1, 1] },
  split: { from: [1, 1], to: [2, Infinity] },
  rename: { from: [1, 1], to: [1, 1] },
  reclassify: { from: [1, 1], to: [1, 1] },
  reparent: { from: [1, 1], to: [1, 1] },
}

function checkArity(change: UnitChange) {
  const { from, to } = ARITY[change.type]
  const fail = (pointer: string, detail: string) =>
    unprocessable('INVALID_CHANGE_SHAPE', `A ${change.type} ${detail}.`, [
      { pointer, code: 'INVALID_CHANGE_SHAPE', detail },
    ])
  if (change.from.length < from[0] || change.from.length > from[1])
    throw fail('/from', `takes ${from[1] === 1 ? 'exactly one' : 'at least one'} unit in from`)
  if (change.to.length < to[0] || change.to.length > to[1])
    throw fail('/to', `takes ${to[1] === 1 ? 'exactly one' : 'at least two'} unit(s) in to`)
}

export function createUnitChangesService(db: Kysely<DB>, units: UnitsService) {
  const repo = units.repository

  /** The stored row each unit closed by a change had before: the `before` of its audit. */
  const beforeClosing = new WeakMap<UnitRow, UnitRow>()

  async function close(row: UnitRow, closeDate: string, tx: Kysely<DB>): Promise<UnitRow> {
    if (row.valid_to !== null && row.valid_to <= closeDate) return row
    const closed = await repo.update(row.id, { valid_to: closeDate }, tx)
    beforeClosing.set(closed, row)
    return closed
  }

  async function liveChildren(parentId: string, effectiveDate: string, tx: Kysely<DB>) {
    return tx
      .selectFrom('units')
      .selectAll()
      .where('parent_id', '=', parentId)
      .where(sql<boolean>`(valid_to is null or valid_to >= ${effectiveDate}::date)`)
      .orderBy('code')
      .execute()
  }

  async function apply(
    { change, dryRun }: { change: UnitChange; dryRun: boolean },
    { caller, actor }: Asking,
  ): Promise<UnitChangeResult> {
    checkArity(change)
    const effective = change.effectiveDate
    const closeDate = dayBefore(effective)
    try {
      return await db.transaction().execute(async (tx) => {
        const closed = new Map<string, UnitRow>()
        const created: UnitRow[] = []
        const lineage: UnitChangeResult['lineage'] = []
        const link = (from: UnitRow, to: UnitRow, coverage: Coverage) =>
          lineage.push({
            predecessorId: from.id,
            predecessorCode: from.code,
            successorId: to.id,
            successorCode: to.code,
            coverage,
          })

        const { id: changeId } = await tx
          .insertInto('unit_changes')
          .values({
            type: change.type,
            effective_date: effective,
            legal_basis: cleanText(change.legalBasis),
            note: change.note ? cleanText(change.note) : null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()

        const sources: { row: UnitRow; coverage: Coverage }[] = []
        for (const item of change.from) {
          const ref = typeof item === 'string' ? item : item.ref
          const row = await units.resolve(ref, closeDate, caller, 'write', tx)
          if (row.valid_from !== null && row.valid_from > closeDate)
            throw unprocessable(
              'NOT_VALID_BEFORE_CHANGE',
              `Unit ${row.code} starts after ${closeDate}.`,
            )
          if (!sources.some((s) => s.row.id === row.id)) {
            sources.push({
              row,
              coverage:
                (typeof item === 'string' ? undefined : item.coverage) ??
                (change.type === 'split' ? 'partial' : 'full'),
            })
          }
        }
        const single = sources.length === 1 ? sources[0]!.row : undefined

        // Children still valid after the change: carried over or closed, deepest first. Carrying
        // also takes children that a change of the same day closed (a province merge's
        // `children: "close"` closes the hamlets its communes' own merges then carry on).
        const carried: UnitRow[] = []
        for (const { row } of sources) {
          const children = await liveChildren(
            row.id,
            change.children === 'close' ? effective : closeDate,
            tx,
          )
          if (children.length === 0) continue
          if (change.children === 'close') await closeSubtree(children, closeDate, tx, closed)
          else carried.push(...children)
        }
        if (carried.length > 0 && change.to.length !== 1) {
          throw unprocessable(
            'CHILDREN_NEED_A_SUCCESSOR',
            `${carried.length} child unit(s) are still valid after the change and there is no single successor to carry them to; reorganise them first or send children: "close".`,
          )
        }
        for (const { row } of sources) closed.set(row.id, await close(row, closeDate, tx))

        const successors: UnitRow[] = []
        for (const [index, target] of change.to.entries()) {
          if (typeof target === 'string') {
            successors.push(await units.resolve(target, effective, caller, 'write', tx))
            continue
          }
          const parentRef = target.parentId ?? target.parentCode
          const parent = parentRef
            ? await units.resolve(parentRef, effective, caller, 'write', tx)
            : single?.parent_id
              ? ((await repo.findById(single.parent_id, tx)) ?? null)
              : null
          const code = target.code ?? single?.code
          const name = target.name ?? single?.name
          const kind = target.kind ?? single?.kind
          if (!code || !name || !kind) {
            throw unprocessable(
              'INCOMPLETE_NEW_UNIT',
              'A new unit needs code, name and kind (copied only when there is one unit in from).',
              [
                {
                  pointer: `/to/${index}`,
                  code: 'INCOMPLETE_NEW_UNIT',
                  detail: 'needs code, name and kind',
                },
              ],
            )
          }
          const row = await units.insertChecked(
            {
              code,
              name: cleanText(name),
              kind,
              parent,
              validFrom: effective,
              validTo: null,
              attributes: target.attributes ?? single?.attributes ?? {},
            },
            tx,
          )
          created.push(row)
          successors.push(row)
        }
        for (const { row, coverage } of sources)
          for (const successor of successors) link(row, successor, coverage)

        if (carried.length > 0)
          await carryOver(carried, successors[0]!, tx, { closed, created, link })

        if (lineage.length > 0) {
          await tx
            .insertInto('unit_lineage')
            .values(
              lineage.map((l) => ({
                predecessor_id: l.predecessorId,
                successor_id: l.successorId,
                coverage: l.coverage,
                change_id: changeId,
              })),
            )
            .execute()
        }
        const result: UnitChangeResult = {
          id: dryRun ? null : changeId,
          type: change.type,
          effectiveDate: effective,
          legalBasis: cleanText(change.legalBasis),
          dryRun,
          closed: [...closed.values()].map(toUnit),
          created: created.map(toUnit),
          lineage,
        }
        if (dryRun) throw new DryRunRollback(result)
        await recordAudit(tx, actor, {
          action: 'apply',
          entity: 'unit-change',
          entityId: changeId,
          after: {
            ...result,
            closed: result.closed.map((u) => u.id),
            created: result.created.map((u) => u.id),
          },
        })
        // Each unit it closed or created, as any other write of a unit is (the change feed's
        // followers of units see them).
        await recordAuditBatch(tx, actor, [
          ...[...closed.values()].flatMap((row): AuditEntry[] => {
            const before = beforeClosing.get(row)
            return before
              ? [
                  {
                    action: 'update',
                    entity: 'unit',
                    entityId: row.id,
                    unitId: row.id,
                    before: toUnit(before),
                    after: toUnit(row),
                  },
                ]
              : []
          }),
          ...created.map((row): AuditEntry => ({
            action: 'create',
            entity: 'unit',
            entityId: row.id,
            unitId: row.id,
            after: toUnit(row),
          })),
        ])
        return result
      })
    } catch (error) {
      if (error instanceof DryRunRollback) return error.result
      throw error
    }
  }

  async function closeSubtree(
    rows: UnitRow[],
    closeDate: string,
    tx: Kysely<DB>,
    closed: Map<string, UnitRow>,
  ) {
    for (const row of rows) {
      if (row.valid_from !== null && row.valid_from > closeDate)
        throw unprocessable(
          'FUTURE_CHILD',
          `Child unit ${row.code} starts after ${closeDate}; it cannot be closed by this change.`,
        )
      await closeSubtree(await liveChildren(row.id, dayAfter(closeDate), tx), closeDate, tx, closed)
      closed.set(row.id, await close(row, closeDate, tx))
    }
  }

  /** Re-creates each child (and its live subtree) under `parent` from the effective date. */
  async function carryOver(
    rows: UnitRow[],
    parent: UnitRow,
    tx: Kysely<DB>,
    out: {
      closed: Map<string, UnitRow>
      created: UnitRow[]
      link: (from: UnitRow, to: UnitRow, coverage: Coverage) => void
    },
  ) {
    const effective = parent.valid_from!
    const closeDate = dayBefore(effective)
    for (const row of rows) {
      if (row.valid_from !== null && row.valid_from > closeDate)
        throw unprocessable(
          'FUTURE_CHILD',
          `Child unit ${row.code} starts after ${closeDate}; move it by hand.`,
        )
      const grandChildren = await liveChildren(row.id, closeDate, tx)
      for (const g of grandChildren) out.closed.set(g.id, await close(g, closeDate, tx))
      out.closed.set(row.id, await close(row, closeDate, tx))
      const copy = await units.insertChecked(
        {
          code: row.code,
          name: row.name,
          kind: row.kind,
          parent,
          validFrom: effective,
          // A child closed by a change of the same day goes on, open, under the successor.
          validTo: row.valid_to !== null && row.valid_to <= closeDate ? null : row.valid_to,
          attributes: row.attributes,
        },
        tx,
      )
      out.created.push(copy)
      out.link(row, copy, 'full')
      await carryOver(grandChildren, copy, tx, out)
    }
  }

  /** Predecessors and successors, transitively, with the change that linked each. */
  async function lineageOf(row: UnitRow) {
    const walk = (direction: 'back' | 'forward') => {
      const [near, far] =
        direction === 'back'
          ? (['successor_id', 'predecessor_id'] as const)
          : (['predecessor_id', 'successor_id'] as const)
      return sql<{
        id: string
        coverage: Coverage
        depth: number
        type: UnitChange['type']
        effective_date: string
        legal_basis: string
      }>`
        with recursive chain(id, coverage, depth, change_id) as (
          select l.${sql.ref(far)}, l.coverage, 1, l.change_id from unit_lineage l where l.${sql.ref(near)} = ${row.id}
          union
          select l.${sql.ref(far)}, case when c.coverage = 'full' and l.coverage = 'full' then 'full' else 'partial' end, c.depth + 1, l.change_id
          from chain c join unit_lineage l on l.${sql.ref(near)} = c.id where c.depth < 50
        )
        select distinct on (c.id) c.id, c.coverage, c.depth, ch.type, ch.effective_date, ch.legal_basis
        from chain c join unit_changes ch on ch.id = c.change_id
        order by c.id, c.depth`.execute(db)
    }
    const [back, forward] = await Promise.all([walk('back'), walk('forward')])
    const ids = [...back.rows, ...forward.rows].map((r) => r.id)
    const rows = ids.length
      ? await db.selectFrom('units').selectAll().where('id', 'in', ids).execute()
      : []
    const byId = new Map(rows.map((r) => [r.id, r]))
    const entries = (list: typeof back.rows) =>
      list
        .map((r) => ({
          unit: toUnit(byId.get(r.id)!),
          coverage: r.coverage,
          depth: r.depth,
          changeType: r.type,
          effectiveDate: r.effective_date,
          legalBasis: r.legal_basis,
        }))
        .sort((a, b) => a.depth - b.depth || a.unit.code.localeCompare(b.unit.code))
    return {
      unit: toUnit(row),
      predecessors: entries(back.rows),
      successors: entries(forward.rows),
    }
  }

  return { apply, lineageOf }
}

export type UnitChangesService = ReturnType<typeof createUnitChangesService>
