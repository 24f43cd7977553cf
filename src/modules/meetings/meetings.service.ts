// The rules of meetings: forums at hamlets or commune-level units, consultations at any
// administrative unit (HOST_KINDS); the unit as of the day held; never in the future; one meeting
// per (source, externalId). Every write goes through the one writer (meetings.writer.ts), which
// applies the unit rules in the database and audits; when it refuses, the checks below say why.
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { cleanText, today } from '../../http/dates.js'
import { type ConditionalChange, type ConditionalRemoval, lockMatching } from '../../http/etag.js'
import { conflict, notFound, unprocessable } from '../../http/errors.js'
import type { Asking, Caller } from '../../http/caller.js'
import { type UnitRow, changedDuringWrite, removeMatching } from '../../records/index.js'
import { type UnitsService, assertKind, assertValidDuring } from '../units/index.js'
import { HOST_KINDS, MEASURES, toMeeting } from './meetings.record.js'
import { type MeetingRow, createMeetingsRepository } from './meetings.repository.js'
import type { CreateMeeting, Meeting, PatchMeeting } from './meetings.schemas.js'
import { type MeetingValues, writeMeetings } from './meetings.writer.js'

const text = (value: string | null | undefined) => (value ? cleanText(value) || null : null)

/** The values a write stores: the body's, over `current` where the body leaves a field out. */
export function valuesOf(body: PatchMeeting, current?: MeetingValues): MeetingValues {
  const values = { ...current } as Record<string, string | number | null>
  if (body.format !== undefined) values.format = body.format
  if (body.heldOn !== undefined) values.held_on = body.heldOn
  for (const [field, { column }] of Object.entries(MEASURES)) {
    const value = body[field as keyof typeof MEASURES]
    // A new meeting records null for a measure left out; a PATCH keeps the stored one.
    if (value !== undefined) values[column] = value
    else if (!current) values[column] = null
  }
  if (body.note !== undefined || !current) values.note = text(body.note)
  return values as MeetingValues
}

/** 422 unless `unit` may host a meeting of `format` on `heldOn`. */
export function assertHost(unit: UnitRow, format: Meeting['format'], heldOn: string) {
  assertKind(unit, HOST_KINDS[format], '/unitRef', `A ${format} is held at`)
  assertValidDuring(unit, heldOn, heldOn, '/unitRef', heldOn)
}

export function assertHeldOn(heldOn: string) {
  if (heldOn > today()) {
    throw unprocessable(
      'DATE_IN_FUTURE',
      `heldOn ${heldOn} is in the future; record meetings once held.`,
      [{ pointer: '/heldOn', code: 'DATE_IN_FUTURE', detail: 'is in the future' }],
    )
  }
}

export function createMeetingsService(db: Kysely<DB>, units: UnitsService) {
  const repository = createMeetingsRepository(db)

  /** The host unit as of the day held, checked for the format. */
  async function hostUnit(
    ref: string,
    heldOn: string,
    format: Meeting['format'],
    caller: Caller | null,
    tx: Kysely<DB>,
  ): Promise<UnitRow> {
    const unit = await units.resolve(ref, heldOn, caller, 'write', tx)
    assertHost(unit, format, heldOn)
    return unit
  }

  /** The meeting if the caller may see it: outside the scope, reads 404 and writes 403. */
  async function find(
    id: string,
    caller: Caller | null,
    access: 'read' | 'write',
    tx: Kysely<DB> = db,
  ): Promise<MeetingRow> {
    const missing = () => notFound(`No meeting ${id}.`, 'MEETING_NOT_FOUND')
    const row = await repository.findById(id, tx)
    if (!row) throw missing()
    await units.assertInScope(row.unit_path, caller, access, `Meeting ${id}`, missing, tx)
    return row
  }

  async function externalIdConflict(source: string, externalId: string, tx: Kysely<DB>) {
    const existing = await repository.findByExternalId(source, externalId, tx)
    if (!existing) return undefined
    return conflict(
      'DUPLICATE_EXTERNAL_ID',
      `Meeting ${externalId} from ${source} is already recorded as ${existing.id}.`,
      { location: `/v1/meetings/${existing.id}` },
    )
  }

  async function create(body: CreateMeeting, { caller, actor }: Asking) {
    assertHeldOn(body.heldOn)
    const source = caller?.source ?? 'unknown'
    const externalId = body.externalId ? cleanText(body.externalId) : null
    const scopePath = await units.scopePathOf(caller)
    const [row] = await writeMeetings(
      db,
      [{ unitRef: body.unitRef, values: valuesOf(body), externalId }],
      { actor, source, scopePath },
    )
    if (row) return toMeeting(row)
    // Refused: the unit (missing, outside the scope, of the wrong kind, not valid that day) or
    // the externalId (already recorded) says why.
    await hostUnit(body.unitRef, body.heldOn, body.format, caller, db)
    if (externalId) {
      const duplicate = await externalIdConflict(source, externalId, db)
      if (duplicate) throw duplicate
    }
    // The unit changed between the write and the check: nothing was written.
    throw changedDuringWrite()
  }

  async function patch(
    { found, body, ifMatch }: ConditionalChange<MeetingRow, PatchMeeting>,
    { caller, actor }: Asking,
  ) {
    return db.transaction().execute(async (tx) => {
      const current = await lockMatching(repository.lockById(found.id, tx), ifMatch, toMeeting, {
        required: true,
      })
      const values = valuesOf(body, current)
      const heldOn = values.held_on as string
      assertHeldOn(heldOn)
      const unit = await hostUnit(
        body.unitRef ?? current.unit_id,
        heldOn,
        values.format as Meeting['format'],
        caller,
        tx,
      )
      const [row] = await writeMeetings(
        tx,
        [{ unitRef: unit.id, values, replaces: { id: current.id, updatedAt: current.updated_at } }],
        { actor, source: current.source, scopePath: await units.scopePathOf(caller, tx) },
      )
      // The row is locked and the unit checked in this transaction: the writer cannot refuse.
      if (!row) throw changedDuringWrite()
      return toMeeting(row)
    })
  }

  const remove = (removal: ConditionalRemoval<MeetingRow>, asking: Asking) =>
    removeMatching(
      db,
      {
        entity: 'meeting',
        lock: repository.lockById,
        delete: repository.delete,
        show: toMeeting,
        unitOf: (row) => row.unit_id,
        periodOf: (row) => ({ unitId: row.unit_id, year: Number(row.held_on.slice(0, 4)) }),
      },
      removal,
      asking,
    )

  return { list: repository.list, find, create, patch, remove }
}

export type MeetingsService = ReturnType<typeof createMeetingsService>
