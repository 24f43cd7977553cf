// A meeting declared once: its stored fields (API name, column, SQL type) in the order the API
// shows them. The JSON answer (toMeeting), the JSON the database builds for the audit and the feed
// (meetingJson), the export's columns and the writer's arrays all derive from this list.
import { type RawBuilder, sql } from 'kysely'
import type { UnitKind } from '../../db/schema.js'
import { isoTimestamp } from '../../db/sql.js'
import { type Fields, type JsonBuilder, apiValuesOf, jsonPairs } from '../../records/index.js'
import { ADMINISTRATIVE_KINDS, COMMUNE_LEVEL_KINDS } from '../units/index.js'
import type { MeetingRow } from './meetings.repository.js'
import type { Meeting } from './meetings.schemas.js'

/** What a meeting counts; forms and opinions are independent (neither bounds the other). */
export const MEASURES = {
  attendees: { column: 'attendees', type: 'integer' },
  formsDistributed: { column: 'forms_distributed', type: 'integer' },
  formsReturned: { column: 'forms_returned', type: 'integer' },
  opinionsReceived: { column: 'opinions_received', type: 'integer' },
  opinionsAnsweredOnSite: { column: 'opinions_answered_on_site', type: 'integer' },
  opinionsReferred: { column: 'opinions_referred', type: 'integer' },
  tipsReceived: { column: 'tips_received', type: 'integer' },
} as const satisfies Fields

/** What a write sets: every field of a meeting but the sender's (source, externalId). */
export const WRITTEN_FIELDS = {
  format: { column: 'format', type: 'text' },
  heldOn: { column: 'held_on', type: 'date' },
  ...MEASURES,
  note: { column: 'note', type: 'text' },
} as const satisfies Fields

/** Every stored field, in the order the API shows them (between `unit` and the timestamps). */
export const MEETING_FIELDS = {
  format: WRITTEN_FIELDS.format,
  heldOn: WRITTEN_FIELDS.heldOn,
  ...MEASURES,
  source: { column: 'source', type: 'text' },
  externalId: { column: 'external_id', type: 'text' },
  note: WRITTEN_FIELDS.note,
} as const satisfies Fields

export type WrittenColumn = (typeof WRITTEN_FIELDS)[keyof typeof WRITTEN_FIELDS]['column']

/** The units that may host each format: the one statement of the rule, which writes apply in SQL. */
export const HOST_KINDS: Record<Meeting['format'], readonly UnitKind[]> = {
  forum: ['hamlet', ...COMMUNE_LEVEL_KINDS],
  consultation: ADMINISTRATIVE_KINDS,
}

export function toMeeting(row: MeetingRow): Meeting {
  return {
    id: row.id,
    unit: { id: row.unit_id, code: row.unit_code, name: row.unit_name, kind: row.unit_kind },
    ...(apiValuesOf(MEETING_FIELDS, row) as Omit<
      Meeting,
      'id' | 'unit' | 'createdAt' | 'updatedAt'
    >),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

/** SQL: the JSON of `toMeeting` for the meetings row under `alias`, held at the unit `unit`. */
export function meetingJson(
  alias: string,
  unit: string,
  builder: JsonBuilder = 'json',
): RawBuilder<string> {
  const build = sql.raw(`${builder}_build_object`)
  const u = (name: string) => sql.ref(`${unit}.${name}`)
  return sql<string>`${build}(
    'id', ${sql.ref(`${alias}.id`)},
    'unit', ${build}('id', ${u('id')}, 'code', ${u('code')}, 'name', ${u('name')}, 'kind', ${u('kind')}),
    ${jsonPairs(MEETING_FIELDS, alias)},
    'createdAt', ${isoTimestamp(sql.ref(`${alias}.created_at`))},
    'updatedAt', ${isoTimestamp(sql.ref(`${alias}.updated_at`))})`
}
