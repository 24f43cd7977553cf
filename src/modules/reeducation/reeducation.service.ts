// Re-education counts: commune-level units only, valid during the period, which resolves a code
// as of its last day. Replacing needs If-Match; every write is audited with before and after.
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { cleanText, today } from '../../http/dates.js'
import { badRequest, notFound, unprocessable } from '../../http/errors.js'
import {
  type Preconditions,
  assertIfMatch,
  assertPutPreconditions,
  etagOf,
} from '../../http/etag.js'
import type { Asking, Caller } from '../../http/caller.js'
import { assertUnlocked, changedDuringWrite, recordAudit } from '../../records/index.js'
import {
  COMMUNE_LEVEL_KINDS,
  type UnitsService,
  assertKind,
  assertValidDuring,
} from '../units/index.js'
import { type UnitRow } from '../../records/index.js'
import { sortedBreakdown, toReeducation } from './reeducation.record.js'
import { writeReeducation } from './reeducation.writer.js'
import { type Period, parsePeriod } from './reeducation.periods.js'
import {
  type ReeducationRow,
  type ReeducationValues,
  createReeducationRepository,
} from './reeducation.repository.js'
import type { PutReeducation, Reeducation } from './reeducation.schemas.js'

/** Writers of one record racing at once: each turn round, one of them has written. */
const MAX_TURNS = 100

/** The period a path names, or 400. */
export function periodOf(code: string): Period {
  const period = parsePeriod(code)
  if (period) return period
  throw badRequest('INVALID_PERIOD', `${code} is not a period between 1990 and 2100.`, [
    { pointer: 'period', code: 'INVALID_PERIOD', detail: 'use 2018, 2018S1, 2018Q3 or 201810' },
  ])
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
export const sameValues = (row: ReeducationRow, values: ReeducationValues) =>
  row.re_educated === values.re_educated &&
  row.reformed === values.reformed &&
  row.under_management === values.under_management &&
  sameJson(sortedBreakdown(row.by_category), values.by_category) &&
  sameJson(sortedBreakdown(row.by_organisation), values.by_organisation) &&
  row.note === values.note

/** A PUT of one unit's counts for a period, as the route received it. */
export interface ReeducationPut {
  ref: string
  period: string
  asOf: string | undefined
  body: PutReeducation
  preconditions: Preconditions
}

export interface ReeducationRemoval {
  ref: string
  period: string
  asOf: string | undefined
  ifMatch: string | undefined
}

/** 422 for a period that has not begun. */
export function assertPeriodBegun(period: Period) {
  if (period.startsOn > today()) {
    throw unprocessable('PERIOD_IN_FUTURE', `The period ${period.period} has not begun.`, [
      { pointer: 'period', code: 'PERIOD_IN_FUTURE', detail: 'has not begun' },
    ])
  }
}

/** What a PUT's body stores: breakdowns in key order, the note cleaned. */
export function valuesOf(body: PutReeducation): ReeducationValues {
  return {
    re_educated: body.reEducated,
    reformed: body.reformed,
    under_management: body.underManagement,
    by_category: sortedBreakdown(body.byCategory),
    by_organisation: sortedBreakdown(body.byOrganisation),
    note: body.note ? cleanText(body.note) || null : null,
  }
}

/** 422 unless `unit` keeps re-education counts and was valid through the whole period. */
export function assertKeeps(unit: UnitRow, period: Period, code: string) {
  assertKind(unit, COMMUNE_LEVEL_KINDS, 'ref', 'Re-education counts are kept by')
  assertValidDuring(unit, period.startsOn, period.endsOn, 'ref', code)
}

export function createReeducationService(db: Kysely<DB>, units: UnitsService) {
  const repository = createReeducationRepository(db)

  const unitFor = (
    ref: string,
    period: Period,
    asOf: string | undefined,
    caller: Caller | null,
    access: 'read' | 'write',
    tx: Kysely<DB> = db,
  ) => units.resolve(ref, asOf ?? period.endsOn, caller, access, tx)

  async function get(ref: string, code: string, asOf: string | undefined, caller: Caller | null) {
    const period = periodOf(code)
    const unit = await unitFor(ref, period, asOf, caller, 'read')
    const row = await repository.find(unit.id, period.period)
    if (!row) throw notFound(`${unit.name} (${unit.code}) has no re-education counts for ${code}.`)
    return toReeducation(row)
  }

  async function put(
    { ref, period: code, asOf, body, preconditions }: ReeducationPut,
    { caller, actor }: Asking,
  ): Promise<{ created: boolean; record: Reeducation }> {
    const period = periodOf(code)
    assertPeriodBegun(period)
    const values = valuesOf(body)
    const unit = await unitFor(ref, period, asOf, caller, 'write')
    assertKeeps(unit, period, code)
    // Compare and write: the preconditions are checked against the record as read, and the
    // writer replaces exactly that version (or inserts the first one). Another writer getting in
    // between makes the write come back empty; the record is then read again and the request
    // decided against what that writer left. Each turn round means some writer has committed.
    for (let turn = 0; turn < MAX_TURNS; turn += 1) {
      const stored = await repository.find(unit.id, period.period)
      const current = stored && toReeducation(stored)
      const unchanged = !!stored && sameValues(stored, values)
      assertPutPreconditions(preconditions, current && etagOf(current), unchanged)
      if (unchanged) return { created: false, record: current! }
      const [row] = await writeReeducation(db, [{ unit, period, values, replaces: stored }], {
        actor,
      })
      if (row) return { created: !stored, record: toReeducation(row) }
    }
    throw changedDuringWrite()
  }

  async function remove(
    { ref, period: code, asOf, ifMatch }: ReeducationRemoval,
    { caller, actor }: Asking,
  ) {
    const period = periodOf(code)
    await db.transaction().execute(async (tx) => {
      const unit = await unitFor(ref, period, asOf, caller, 'write', tx)
      // Locked: a PUT replacing this version meanwhile waits, then finds it gone.
      const existing = await repository.lock(unit.id, period.period, tx)
      if (!existing)
        throw notFound(`${unit.name} (${unit.code}) has no re-education counts for ${code}.`)
      const before = toReeducation(existing)
      assertIfMatch(ifMatch, etagOf(before))
      await assertUnlocked(tx, { unitId: unit.id, year: Number(existing.starts_on.slice(0, 4)) })
      await repository.delete(existing.id, tx)
      await recordAudit(tx, actor, {
        action: 'delete',
        entity: 'reeducation',
        entityId: existing.id,
        unitId: unit.id,
        before,
      })
    })
  }

  return { list: repository.list, get, put, remove }
}

export type ReeducationService = ReturnType<typeof createReeducationService>
