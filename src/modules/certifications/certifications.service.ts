// Recording a yearly assessment: the unit as of 31 December (or `asOf`), eligible and valid that
// year, under a legal basis in force that year; replacing needs If-Match; withdrawing keeps a
// reason. Every write is audited with before and after.
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { cleanText, today } from '../../http/dates.js'
import { notFound, unprocessable } from '../../http/errors.js'
import {
  type Preconditions,
  assertIfMatch,
  assertPutPreconditions,
  etagOf,
} from '../../http/etag.js'
import type { Asking, Caller } from '../../http/caller.js'
import { assertUnlocked, changedDuringWrite, recordAudit } from '../../records/index.js'
import { type UnitsService, assertKind, assertValidDuring } from '../units/index.js'
import { type UnitRow } from '../../records/index.js'
import { toCertification } from './certifications.record.js'
import { writeCertifications } from './certifications.writer.js'
import {
  type CertificationRow,
  type CertificationValues,
  createCertificationsRepository,
} from './certifications.repository.js'
import {
  ELIGIBLE_KINDS,
  type LegalBasis,
  defaultLegalBasis,
  describeLegalBasisYears,
  exclusionOf,
  legalBasisInForce,
} from './certifications.rules.js'
import type { Certification, PutCertification } from './certifications.schemas.js'

/** A PUT of one unit's assessment for a year, as the route received it. */
export interface CertificationPut {
  ref: string
  year: number
  asOf: string | undefined
  body: PutCertification
  preconditions: Preconditions
}

export interface CertificationWithdrawal {
  ref: string
  year: number
  asOf: string | undefined
  reason: string
  ifMatch: string | undefined
}

/** Writers of one record racing at once: each turn round, one of them has written. */
const MAX_TURNS = 100

export const endOfYear = (year: number) => `${year}-12-31`

const text = (value: string | null | undefined) =>
  value === undefined || value === null ? null : cleanText(value) || null

/** 422 for an assessment year that has not begun. */
export function assertYearBegun(year: number) {
  if (year > Number(today().slice(0, 4))) {
    throw unprocessable('YEAR_IN_FUTURE', `The assessment year ${year} has not begun.`, [
      { pointer: 'year', code: 'YEAR_IN_FUTURE', detail: 'is in the future' },
    ])
  }
}

/** The values to store for `unit`'s `year`, once the unit and the values obey every rule. */
export function checkedValues(
  unit: UnitRow,
  year: number,
  body: PutCertification,
): CertificationValues {
  assertKind(unit, ELIGIBLE_KINDS, 'ref', 'Certifications are for')
  assertValidDuring(unit, `${year}-01-01`, endOfYear(year), 'ref', String(year))
  return checkBody(year, unit, body)
}

function checkBody(year: number, unit: UnitRow, body: PutCertification): CertificationValues {
  const legalBasis: LegalBasis = body.legalBasis ?? defaultLegalBasis(year)
  if (!legalBasisInForce(legalBasis, year)) {
    const detail = `${legalBasis} applies to ${describeLegalBasisYears(legalBasis)}, not to ${year}.`
    throw unprocessable('LEGAL_BASIS_NOT_IN_FORCE', detail, [
      { pointer: '/legalBasis', code: 'LEGAL_BASIS_NOT_IN_FORCE', detail },
    ])
  }
  const excluded = exclusionOf(year, unit.kind, unit.attributes)
  if (excluded) {
    const detail = `${unit.name} (${unit.code}) is ${excluded}, which ${legalBasis} does not assess.`
    throw unprocessable('NOT_ELIGIBLE_UNDER_LEGAL_BASIS', detail, [
      { pointer: '/legalBasis', code: 'NOT_ELIGIBLE_UNDER_LEGAL_BASIS', detail },
    ])
  }
  const decisionDate = body.decisionDate ?? null
  if (decisionDate !== null && (decisionDate < `${year}-01-01` || decisionDate > today())) {
    const detail = `The decision of ${decisionDate} is before the assessment year ${year} or in the future.`
    throw unprocessable('INVALID_DECISION_DATE', detail, [
      { pointer: '/decisionDate', code: 'INVALID_DECISION_DATE', detail },
    ])
  }
  return {
    result: body.result,
    legal_basis: legalBasis,
    decision_number: text(body.decisionNumber),
    decision_date: decisionDate,
    issued_by: text(body.issuedBy),
    movement_rating: body.movementRating ?? null,
    note: text(body.note),
  }
}

export const sameValues = (row: CertificationRow, values: CertificationValues) =>
  row.withdrawn_at === null &&
  (Object.keys(values) as (keyof CertificationValues)[]).every((k) => row[k] === values[k])

export function createCertificationsService(db: Kysely<DB>, units: UnitsService) {
  const repository = createCertificationsRepository(db)

  async function unitFor(
    ref: string,
    year: number,
    asOf: string | undefined,
    caller: Caller | null,
    access: 'read' | 'write',
    tx: Kysely<DB> = db,
  ) {
    return units.resolve(ref, asOf ?? endOfYear(year), caller, access, tx)
  }

  /** The active record, or 404 (saying when and why it was withdrawn, if it was). */
  async function get(ref: string, year: number, asOf: string | undefined, caller: Caller | null) {
    const unit = await unitFor(ref, year, asOf, caller, 'read')
    const row = await repository.find(unit.id, year)
    if (!row) throw notFound(`${unit.name} (${unit.code}) has no certification record for ${year}.`)
    if (row.withdrawn_at)
      throw notFound(
        `The ${year} record of ${unit.name} (${unit.code}) was withdrawn on ${new Date(row.withdrawn_at).toISOString()}: ${row.withdrawn_reason}`,
        'CERTIFICATION_WITHDRAWN',
      )
    return toCertification(row)
  }

  async function put(
    { ref, year, asOf, body, preconditions }: CertificationPut,
    { caller, actor }: Asking,
  ): Promise<{ created: boolean; certification: Certification }> {
    assertYearBegun(year)
    const unit = await unitFor(ref, year, asOf, caller, 'write')
    const values = checkedValues(unit, year, body)
    // Compare and write: the preconditions are checked against the record as read, and the
    // writer replaces exactly that version (or inserts the first one). Another writer getting in
    // between makes the write come back empty; the record is then read again and the request
    // decided against what that writer left. Each turn round means some writer has committed.
    for (let turn = 0; turn < MAX_TURNS; turn += 1) {
      const stored = await repository.find(unit.id, year)
      const active = stored && stored.withdrawn_at === null ? stored : undefined
      const current = active && toCertification(active)
      const unchanged = !!active && sameValues(active, values)
      assertPutPreconditions(preconditions, current && etagOf(current), unchanged)
      if (unchanged) return { created: false, certification: current! }
      const [row] = await writeCertifications(
        db,
        [
          {
            unit,
            year,
            values,
            replaces: stored && { id: stored.id, updatedAt: stored.updated_at },
          },
        ],
        { actor },
      )
      if (row) return { created: !active, certification: toCertification(row) }
    }
    throw changedDuringWrite()
  }

  async function withdraw(
    { ref, year, asOf, reason, ifMatch }: CertificationWithdrawal,
    { caller, actor }: Asking,
  ): Promise<void> {
    await db.transaction().execute(async (tx) => {
      const unit = await unitFor(ref, year, asOf, caller, 'write', tx)
      // Locked: a PUT replacing this version meanwhile waits, then finds it changed.
      const existing = await repository.lock(unit.id, year, tx)
      if (!existing || existing.withdrawn_at)
        throw notFound(
          `${unit.name} (${unit.code}) has no active certification record for ${year}.`,
        )
      const before = toCertification(existing)
      assertIfMatch(ifMatch, etagOf(before))
      await assertUnlocked(tx, { unitId: unit.id, year })
      const after = toCertification(
        await repository.withdraw(unit, existing.id, cleanText(reason), tx),
      )
      await recordAudit(tx, actor, {
        action: 'withdraw',
        entity: 'certification',
        entityId: existing.id,
        unitId: unit.id,
        before,
        after,
      })
    })
  }

  return { list: repository.list, unitFor, get, put, withdraw }
}

export type CertificationsService = ReturnType<typeof createCertificationsService>
