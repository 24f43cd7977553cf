import { type RawBuilder, sql } from 'kysely'
import { isoTimestamp } from '../../db/sql.js'
import type { Meeting } from './meetings.schemas.js'
import type { MeetingRow } from './meetings.repository.js'

// A meeting as the API shows it, written twice: from a row in JavaScript (reads, and the ETag) and
// in SQL (the audit row of a meeting recorded in one statement). The meetings tests hold the two to
// the same output.

export function toMeeting(row: MeetingRow): Meeting {
  return {
    id: row.id,
    unit: { id: row.unit_id, code: row.unit_code, name: row.unit_name, kind: row.unit_kind },
    format: row.format,
    heldOn: row.held_on,
    attendees: row.attendees,
    formsDistributed: row.forms_distributed,
    formsReturned: row.forms_returned,
    opinionsReceived: row.opinions_received,
    opinionsAnsweredOnSite: row.opinions_answered_on_site,
    opinionsReferred: row.opinions_referred,
    tipsReceived: row.tips_received,
    source: row.source,
    externalId: row.external_id,
    note: row.note,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

/** SQL: the JSON of `toMeeting` for the meetings row under `alias`, held at the unit `unit`. */
export function meetingJson(alias: string, unit: string): RawBuilder<string> {
  const m = (name: string) => sql.ref(`${alias}.${name}`)
  const u = (name: string) => sql.ref(`${unit}.${name}`)
  return sql<string>`json_build_object(
    'id', ${m('id')},
    'unit', json_build_object('id', ${u('id')}, 'code', ${u('code')}, 'name', ${u('name')}, 'kind', ${u('kind')}),
    'format', ${m('format')}, 'heldOn', ${m('held_on')}, 'attendees', ${m('attendees')},
    'formsDistributed', ${m('forms_distributed')}, 'formsReturned', ${m('forms_returned')},
    'opinionsReceived', ${m('opinions_received')},
    'opinionsAnsweredOnSite', ${m('opinions_answered_on_site')},
    'opinionsReferred', ${m('opinions_referred')}, 'tipsReceived', ${m('tips_received')},
    'source', ${m('source')}, 'externalId', ${m('external_id')}, 'note', ${m('note')},
    'createdAt', ${isoTimestamp(m('created_at'))}, 'updatedAt', ${isoTimestamp(m('updated_at'))})::text`
}
