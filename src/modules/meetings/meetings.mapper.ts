import type { Meeting } from './meetings.schemas.js'
import type { MeetingRow } from './meetings.repository.js'

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
