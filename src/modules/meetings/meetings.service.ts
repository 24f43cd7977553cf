// The rules of meetings: forums at hamlets or commune-level units, consultations at any
// administrative unit; the unit as of the day held; never in the future; one meeting per
// (source, externalId). Every write is audited.
import type { Kysely } from 'kysely'
import type { DB, UnitKind } from '../../db/schema.js'
import { cleanText, today } from '../../http/dates.js'
import { type ConditionalChange, type ConditionalRemoval, lockMatching } from '../../http/etag.js'
import { conflict, notFound, unprocessable } from '../../http/errors.js'
import type { Asking, Caller } from '../../http/caller.js'
import { recordAudit } from '../../records/index.js'
import {
  ADMINISTRATIVE_KINDS,
  COMMUNE_LEVEL_KINDS,
  type UnitsService,
  assertKind,
  assertValidDuring,
} from '../units/index.js'
import { type UnitRow } from '../../records/index.js'
import { insertMeetingInOneStatement } from './meetings.create.js'
import { toMeeting } from './meetings.mapper.js'
import {
  type MeetingRow,
  type MeetingValues,
  createMeetingsRepository,
} from './meetings.repository.js'
import type { CreateMeeting, Meeting, PatchMeeting } from './meetings.schemas.js'

const HOST_KINDS: Record<Meeting['format'], readonly UnitKind[]> = {
  forum: ['hamlet', ...COMMUNE_LEVEL_KINDS],
  consultation: ADMINISTRATIVE_KINDS,
}

export const MEASURES = [
  ['attendees', 'attendees'],
  ['formsDistributed', 'forms_distributed'],
  ['formsReturned', 'forms_returned'],
  ['opinionsReceived', 'opinions_received'],
  ['opinionsAnsweredOnSite', 'opinions_answered_on_site'],
  ['opinionsReferred', 'opinions_referred'],
  ['tipsReceived', 'tips_received'],
] as const

function measuresOf(body: PatchMeeting): Partial<MeetingValues> {
  const values: Partial<Record<(typeof MEASURES)[number][1], number | null>> = {}
  for (const [field, column] of MEASURES) {
    const value = body[field]
    if (value !== undefined) values[column] = value
  }
  // attendees is never null: the schema requires an integer for it.
  return values as Partial<MeetingValues>
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
    const values = {
      format: body.format,
      held_on: body.heldOn,
      attendees: body.attendees,
      ...measuresOf(body),
      source,
      external_id: externalId,
      note: body.note ? cleanText(body.note) || null : null,
    }
    const inserted = await insertMeetingInOneStatement(
      db,
      body.unitRef,
      HOST_KINDS[body.format],
      values,
      await units.scopePathOf(caller),
      actor,
    )
    if (inserted) return toMeeting(inserted)
    // Refused: the step-by-step path below finds out why and says so.
    try {
      return await db.transaction().execute(async (tx) => {
        const unit = await hostUnit(body.unitRef, body.heldOn, body.format, caller, tx)
        if (externalId) {
          const duplicate = await externalIdConflict(source, externalId, tx)
          if (duplicate) throw duplicate
        }
        const row = await repository.insert(unit, { unit_id: unit.id, ...values }, tx)
        const meeting = toMeeting(row)
        await recordAudit(tx, actor, {
          action: 'create',
          entity: 'meeting',
          entityId: row.id,
          unitId: unit.id,
          after: meeting,
        })
        return meeting
      })
    } catch (error) {
      // Two requests with one externalId at once: the unique index lets one through.
      if ((error as { code?: string }).code === '23505' && externalId) {
        throw (await externalIdConflict(source, externalId, db)) ?? error
      }
      throw error
    }
  }

  async function patch(
    { found, body, ifMatch }: ConditionalChange<MeetingRow, PatchMeeting>,
    { caller, actor }: Asking,
  ) {
    return db.transaction().execute(async (tx) => {
      const current = await lockMatching(repository.lockById(found.id, tx), ifMatch, toMeeting, {
        required: true,
      })
      const heldOn = body.heldOn ?? current.held_on
      const format = body.format ?? current.format
      assertHeldOn(heldOn)
      const unit =
        body.unitRef !== undefined
          ? await hostUnit(body.unitRef, heldOn, format, caller, tx)
          : await hostUnit(current.unit_id, heldOn, format, caller, tx)
      const row = await repository.update(
        current.id,
        {
          unit_id: unit.id,
          format,
          held_on: heldOn,
          ...measuresOf(body),
          ...(body.note !== undefined
            ? { note: body.note ? cleanText(body.note) || null : null }
            : {}),
        },
        tx,
      )
      const meeting = toMeeting(row)
      await recordAudit(tx, actor, {
        action: 'update',
        entity: 'meeting',
        entityId: row.id,
        unitId: unit.id,
        before: toMeeting(current),
        after: meeting,
      })
      return meeting
    })
  }

  async function remove({ found, ifMatch }: ConditionalRemoval<MeetingRow>, { actor }: Asking) {
    await db.transaction().execute(async (tx) => {
      const current = await lockMatching(repository.lockById(found.id, tx), ifMatch, toMeeting)
      await repository.delete(current.id, tx)
      await recordAudit(tx, actor, {
        action: 'delete',
        entity: 'meeting',
        entityId: current.id,
        unitId: current.unit_id,
        before: toMeeting(current),
      })
    })
  }

  return { repository, find, create, patch, remove }
}
