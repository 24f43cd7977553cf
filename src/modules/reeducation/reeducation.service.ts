// Re-education counts: commune-level units only, valid during the period, which resolves a code
// as of its last day. Replacing needs If-Match; every write is audited with before and after.
import type { Kysely } from 'kysely'
import { lockKey } from '../../db/locks.js'
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
import { recordAudit } from '../../records/index.js'
import {
  COMMUNE_LEVEL_KINDS,
  type UnitsService,
  assertKind,
  assertValidDuring,
} from '../units/index.js'
import { type UnitRow } from '../../records/index.js'
import { insertFirstReeducation } from './reeducation.create.js'
import { sortedBreakdown, toReeducation } from './reeducation.mapper.js'
import { type Period, parsePeriod } from './reeducation.periods.js'
import {
  type ReeducationRow,
  type ReeducationValues,
  createReeducationRepository,
} from './reeducation.repository.js'
import type { PutReeducation, Reeducation } from './reeducation.schemas.js'

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
    // The usual cases need no lock: counts sent again unchanged are answered from what is
    // stored, and the first counts of a period are written in one statement. Anything else (a
    // replacement, a writer racing this one) takes the locked path below, with the unit checked
    // here.
    const unit = await unitFor(ref, period, asOf, caller, 'write')
    assertKeeps(unit, period, code)
    const stored = await repository.find(unit.id, period.period)
    if (stored && sameValues(stored, values)) {
      const current = toReeducation(stored)
      assertPutPreconditions(preconditions, etagOf(current), true)
      return { created: false, record: current }
    }
    if (!stored) {
      assertPutPreconditions(preconditions, undefined, false)
      const row = await insertFirstReeducation(db, unit, period, values, actor)
      if (row) return { created: true, record: toReeducation(row) }
    }
    return db.transaction().execute(async (tx) => {
      // Writers of one unit's period take turns: the check below sees what the last one wrote.
      await lockKey(tx, 'reeducation', unit.id, period.period)
      const existing = await repository.find(unit.id, period.period, tx)
      const before = existing && toReeducation(existing)
      const unchanged = !!existing && sameValues(existing, values)
      assertPutPreconditions(preconditions, before && etagOf(before), unchanged)
      if (unchanged) return { created: false, record: before! }
      const row = existing
        ? await repository.replace(existing.id, values, tx)
        : await repository.insert(unit.id, period, values, tx)
      const record = toReeducation(row)
      await recordAudit(tx, actor, {
        action: existing ? 'update' : 'create',
        entity: 'reeducation',
        entityId: row.id,
        unitId: unit.id,
        before,
        after: record,
      })
      return { created: !existing, record }
    })
  }

  async function remove(
    { ref, period: code, asOf, ifMatch }: ReeducationRemoval,
    { caller, actor }: Asking,
  ) {
    const period = periodOf(code)
    await db.transaction().execute(async (tx) => {
      const unit = await unitFor(ref, period, asOf, caller, 'write', tx)
      await lockKey(tx, 'reeducation', unit.id, period.period)
      const existing = await repository.find(unit.id, period.period, tx)
      if (!existing)
        throw notFound(`${unit.name} (${unit.code}) has no re-education counts for ${code}.`)
      const before = toReeducation(existing)
      assertIfMatch(ifMatch, etagOf(before))
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

  return { repository, get, put, remove }
}
