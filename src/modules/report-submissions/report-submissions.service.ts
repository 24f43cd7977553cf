// Reports sent up the hierarchy. A submission freezes a unit's summary for a year (with the
// SHA-256 of its canonical JSON) and names the level above as the hierarchy stood on 31 December;
// the level above accepts it or returns it, and may reopen an accepted one. While accepted, the
// year's records in the unit's subtree are locked (period-locks.ts, checked by every writer).
import { hash } from 'node:crypto'
import canonicalize from 'canonicalize'
import { type Kysely, sql, type Transaction } from 'kysely'
import type { ReportingLevel } from '../../config.js'
import { lockKey } from '../../db/locks.js'
import type { DB, SubmissionStatus, UnitKind } from '../../db/schema.js'
import type { Asking, Caller } from '../../http/caller.js'
import { today } from '../../http/dates.js'
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors.js'
import { etagOf, lockMatching } from '../../http/etag.js'
import { recordAudit } from '../../records/index.js'
import type { ReportsService, Summary } from '../reports/index.js'
import {
  COMMUNE_LEVEL_KINDS,
  type UnitRow,
  type UnitsService,
  toUnitSummary,
} from '../units/index.js'
import { type SubmissionRow, createSubmissionsRepository } from './report-submissions.repository.js'
import type {
  Completeness,
  CreateSubmission,
  Submission,
  SubmissionListItem,
} from './report-submissions.schemas.js'

/** The level a unit reports at; undefined for units that send no report (hamlets, agencies…). */
export function levelOf(kind: UnitKind): ReportingLevel | undefined {
  if ((COMMUNE_LEVEL_KINDS as readonly UnitKind[]).includes(kind)) return 'commune'
  if (kind === 'district' || kind === 'province') return kind
  return undefined
}

export function toSubmissionItem(row: SubmissionRow): SubmissionListItem {
  return {
    id: row.id,
    unit: { id: row.unit_id, code: row.unit_code, name: row.unit_name, kind: row.unit_kind },
    year: row.year,
    version: row.version,
    status: row.status,
    recipient:
      row.recipient_unit_id === null
        ? null
        : {
            id: row.recipient_unit_id,
            code: row.recipient_code!,
            name: row.recipient_name!,
            kind: row.recipient_kind!,
          },
    submittedAt: row.submitted_at.toISOString(),
    submittedBy: { name: row.submitted_by_name },
    deadline: row.deadline,
    onTime: row.on_time,
    note: row.note,
    snapshotSha256: row.snapshot_sha256,
    decidedAt: row.decided_at?.toISOString() ?? null,
    decidedBy: row.decided_by_name === null ? null : { name: row.decided_by_name },
    reason: row.reason,
    history: row.history,
    updatedAt: row.updated_at.toISOString(),
  }
}

/** The SHA-256 (hex) of a value's canonical JSON (RFC 8785): keys sorted, numbers as ES prints. */
export const sha256OfCanonical = (value: unknown) => hash('sha256', canonicalize(value)!, 'hex')

/** The figures (leaves) of a summary by path, `certifications.hamlet.certified` → 120. */
function leavesOf(value: unknown, path: string, into: Map<string, unknown>) {
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>))
      leavesOf(child, path ? `${path}.${key}` : key, into)
  } else into.set(path, value)
  return into
}

const FIGURE_PARTS = ['certifications', 'meetings', 'reeducation', 'targets', 'notAttributable']

/** Each figure whose live value differs from the submitted one. */
export function changedFigures(submitted: Summary, live: Summary) {
  const pick = (s: Summary) =>
    Object.fromEntries(FIGURE_PARTS.map((part) => [part, (s as Record<string, unknown>)[part]]))
  const before = leavesOf(pick(submitted), '', new Map())
  const now = leavesOf(pick(live), '', new Map())
  const changed: { path: string; submitted: unknown; now: unknown }[] = []
  for (const path of new Set([...before.keys(), ...now.keys()])) {
    const a = before.has(path) ? before.get(path) : null
    const b = now.has(path) ? now.get(path) : null
    if (a !== b) changed.push({ path, submitted: a, now: b })
  }
  return changed
}

const TRANSITIONS = {
  accept: { from: ['submitted'], to: 'accepted' },
  return: { from: ['submitted'], to: 'returned' },
  reopen: { from: ['accepted'], to: 'reopened' },
} as const satisfies Record<string, { from: SubmissionStatus[]; to: SubmissionStatus }>
export type Transition = keyof typeof TRANSITIONS

/**
 * How long an accept waits for the year's writes under way (an import) before it answers 409:
 * within the query timeout (DATABASE_QUERY_TIMEOUT_MS, 5 s by default).
 */
const ACCEPT_LOCK_TIMEOUT = '3s'

export function createSubmissionsService(
  db: Kysely<DB>,
  units: UnitsService,
  reports: ReportsService,
  deadlines: Readonly<Record<ReportingLevel, string>>,
) {
  const repository = createSubmissionsRepository(db)
  const missing = (id: string) => notFound(`No report submission ${id}.`, 'SUBMISSION_NOT_FOUND')

  /** The submission, if the caller's scope holds its unit (or its recipient, which holds it). */
  async function find(id: string, caller: Caller | null) {
    const row = await repository.findById(id)
    if (!row) throw missing(id)
    await units.assertInScope(row.unit_path, caller, 'read', `Submission ${id}`, () => missing(id))
    return row
  }

  /** The level above `unit` as the hierarchy stood on `date`; null for a province. */
  async function recipientOf(unit: UnitRow, date: string, tx: Kysely<DB>) {
    if (unit.parent_id === null) return null
    const parent = (await units.findById(unit.parent_id, tx))!
    // The version of the parent valid that day (a parent renamed later has another version).
    return (await units.findByRef(parent.code, date, tx)) ?? parent
  }

  async function submit(body: CreateSubmission, { caller, actor }: Asking) {
    const dec31 = `${body.year}-12-31`
    const unit = await units.resolve(body.unitRef, dec31, caller, 'write')
    const level = levelOf(unit.kind)
    if (!level)
      throw unprocessable(
        'NOT_A_REPORTING_UNIT',
        `Unit ${unit.code} is a ${unit.kind}: reports are sent by communes, districts and provinces.`,
        [{ pointer: '/unitRef', code: 'NOT_A_REPORTING_UNIT', detail: 'sends no report' }],
      )
    if (body.year > Number(today().slice(0, 4)))
      throw unprocessable('YEAR_IN_FUTURE', `The year ${body.year} has not begun.`, [
        { pointer: '/year', code: 'YEAR_IN_FUTURE', detail: 'is in the future' },
      ])
    // The summary is read before the transaction (the embedded database has one connection, held
    // by a transaction); a write landing in between is what changedSinceSubmission shows.
    const snapshot = await reports.summary(
      { ref: unit.id, year: body.year, hierarchy: 'year' },
      caller,
    )
    const row = await db.transaction().execute(async (tx) => {
      // Submitters of one unit's year take turns: the second sees the first one's submission.
      await lockKey(tx, 'report-submission', unit.id, body.year)
      const versions = await repository.versionsOf(unit.id, body.year, tx)
      const open = versions.find((v) => v.status === 'submitted' || v.status === 'accepted')
      if (open)
        throw conflict(
          'ALREADY_SUBMITTED',
          `Unit ${unit.code} has already sent its ${body.year} report (version ${open.version}, ${open.status}); a new version may follow a return or a reopening.`,
          { location: `/v1/report-submissions/${open.id}` },
        )
      const recipient = await recipientOf(unit, dec31, tx)
      const row = await repository.insert(
        {
          unit_id: unit.id,
          unit_path: unit.path,
          year: body.year,
          version: (versions[0]?.version ?? 0) + 1,
          recipient_unit_id: recipient?.id ?? null,
          submitted_by_key_id: actor.keyId,
          submitted_by_name: actor.name,
          deadline: `${body.year}-${deadlines[level]}`,
          note: body.note?.normalize('NFC').trim() || null,
          snapshot: JSON.stringify(snapshot),
          snapshot_sha256: sha256OfCanonical(snapshot),
        },
        tx,
      )
      await recordAudit(tx, actor, {
        action: 'submit',
        entity: 'report-submission',
        entityId: row.id,
        unitId: row.unit_id,
        after: toSubmissionItem(row),
      })
      return row
    })
    return show(row, caller, snapshot)
  }

  /** The submission with its snapshot and what moved since (`live`: the summary now). */
  async function show(
    row: SubmissionRow,
    caller: Caller | null,
    live?: Summary,
  ): Promise<Submission> {
    const snapshot = row.snapshot as unknown as Summary
    const now =
      live ??
      (await reports.summary({ ref: row.unit_id, year: row.year, hierarchy: 'year' }, caller))
    return {
      ...toSubmissionItem(row),
      snapshot,
      changedSinceSubmission: changedFigures(snapshot, now),
    }
  }

  /**
   * accept, return or reopen, by a key whose scope holds the recipient (the country's admin for
   * a province), if the submission still is what If-Match names.
   */
  async function decide(
    found: SubmissionRow,
    transition: Transition,
    reason: string | null,
    ifMatch: string | undefined,
    { caller, actor }: Asking,
  ) {
    await assertRecipient(found, caller)
    const { from, to } = TRANSITIONS[transition]
    const row = await db.transaction().execute(async (tx) => {
      if (transition === 'accept') await lockPeriod(tx, found.year)
      const current = await lockMatching(
        repository.lockById(found.id, tx),
        ifMatch,
        toSubmissionItem,
        { required: true },
      )
      if (!(from as readonly SubmissionStatus[]).includes(current.status))
        throw conflict(
          'INVALID_TRANSITION',
          `A ${current.status} report cannot be ${to}; ${transitionsFrom(current.status)}.`,
        )
      const row = await repository.decide(
        current.id,
        to,
        { action: transition, by: { keyId: actor.keyId, name: actor.name }, reason },
        tx,
      )
      await recordAudit(tx, actor, {
        action: transition,
        entity: 'report-submission',
        entityId: row.id,
        unitId: row.unit_id,
        before: toSubmissionItem(current),
        after: toSubmissionItem(row),
      })
      return row
    })
    return show(row, caller)
  }

  /** Only the level above decides: a key whose scope holds the recipient; a province: the country. */
  async function assertRecipient(row: SubmissionRow, caller: Caller | null) {
    const refuse = (detail: string) => forbidden(detail, 'NOT_THE_RECIPIENT')
    if (row.recipient_path === null) {
      if (caller?.scopeUnitId || caller?.role !== 'admin')
        throw refuse(
          'A province’s report is accepted at the national level: an admin key without a scope.',
        )
      return
    }
    if (!units.inScope({ path: row.recipient_path }, await units.scopePathOf(caller)))
      throw refuse(
        `Only the level above (${row.recipient_code}) accepts, returns or reopens this report; this key's scope does not hold it.`,
      )
  }

  /**
   * Waits until no write of the year is under way, and keeps new ones waiting until commit (the
   * exclusive side of the lock `period_locks` takes shared).
   */
  async function lockPeriod(tx: Transaction<DB>, year: number) {
    await sql`set local lock_timeout = ${sql.lit(ACCEPT_LOCK_TIMEOUT)}`.execute(tx)
    try {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`period:${year}`}, 0))`.execute(tx)
    } catch (error) {
      if ((error as { code?: string }).code === '55P03')
        throw conflict(
          'PERIOD_BUSY',
          `Records of ${year} are being written (an import, say); try accepting again in a moment.`,
        )
      throw error
    }
    await sql`set local lock_timeout = 0`.execute(tx)
  }

  async function list(
    q: {
      limit: number
      year?: number | undefined
      under?: string | undefined
      unit?: string | undefined
      recipient?: string | undefined
      status?: SubmissionStatus | undefined
    },
    caller: Caller | null,
    after: [string, string] | undefined,
  ) {
    const asOf = q.year !== undefined ? `${q.year}-12-31` : today()
    const [under, unit, recipient] = await Promise.all(
      [q.under, q.unit, q.recipient].map((ref) =>
        ref === undefined ? Promise.resolve(undefined) : units.resolve(ref, asOf, caller),
      ),
    )
    return repository.list({
      limit: q.limit,
      scopePath: await units.scopePathOf(caller),
      ...(q.year !== undefined ? { year: q.year } : {}),
      ...(under ? { underPath: under.path } : {}),
      ...(unit ? { unitId: unit.id } : {}),
      ...(recipient ? { recipientId: recipient.id } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(after ? { after } : {}),
    })
  }

  /** Who reports to `ref` for the year, and how far each got (DHIS2's reporting rates). */
  async function completeness(
    ref: string | undefined,
    year: number,
    caller: Caller | null,
  ): Promise<Completeness> {
    // Without a unit, a scoped key asks about its scope.
    if (ref === undefined && caller?.scopeUnitId)
      return completeness(caller.scopeUnitId, year, caller)
    const dec31 = `${year}-12-31`
    const recipient = ref === undefined ? null : await units.resolve(ref, dec31, caller)
    const level = recipient ? levelOf(recipient.kind) : undefined
    if (recipient && level !== 'district' && level !== 'province')
      throw unprocessable(
        'NOT_A_RECIPIENT',
        `Unit ${recipient.code} is a ${recipient.kind}: reports are sent to districts and provinces.`,
        [{ pointer: 'unit', code: 'NOT_A_RECIPIENT', detail: 'receives no reports' }],
      )
    const kinds: UnitKind[] =
      recipient === null ? ['province'] : ['district', ...COMMUNE_LEVEL_KINDS]
    const { rows } = await repository.completeness(recipient?.id ?? null, year, dec31, kinds)
    const day = today()
    const items = rows.map((r) => {
      const deadline = `${year}-${deadlines[levelOf(r.kind)!]}`
      return {
        unit: toUnitSummary(r),
        status: r.status ?? ('missing' as const),
        submissionId: r.submission_id,
        version: r.version,
        submittedAt: r.submitted_at?.toISOString() ?? null,
        // A missing report is late once its deadline has passed.
        onTime: r.status ? r.on_time : day > deadline ? false : null,
        deadline,
      }
    })
    const counts = { missing: 0, submitted: 0, accepted: 0, returned: 0, reopened: 0 }
    for (const item of items) counts[item.status] += 1
    const onTime = items.filter((item) => item.status !== 'missing' && item.onTime).length
    return {
      unit: recipient && toUnitSummary(recipient),
      year,
      items,
      counts,
      onTimeRate: items.length === 0 ? null : Math.round((onTime / items.length) * 10000) / 10000,
    }
  }

  /** The report as sent, as a printable document naming who sent it, when, and its status. */
  const document = (row: SubmissionRow) =>
    reports.document(row.snapshot as unknown as Summary, toSubmissionItem(row))

  return {
    document,
    find,
    submit,
    show,
    decide,
    list,
    completeness,
    etagOf: (row: SubmissionRow) => etagOf(toSubmissionItem(row)),
  }
}

function transitionsFrom(status: SubmissionStatus): string {
  if (status === 'submitted') return 'it can be accepted or returned'
  if (status === 'accepted') return 'it can be reopened'
  return 'a new version can be submitted'
}

export type SubmissionsService = ReturnType<typeof createSubmissionsService>
