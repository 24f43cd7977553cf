// Recording a meeting in one statement: the host unit resolved as of the day held, its kind,
// validity and scope checked, the meeting and its audit row (the meeting as the API shows it,
// meetingJson) inserted in one data-modifying CTE: one round trip, atomic without BEGIN/COMMIT.
// When it inserts nothing, or the database refuses (an externalId already recorded, a check), the
// service takes the step-by-step path, which names the problem.
import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { DB, UnitKind } from '../../db/schema.js'
import type { Actor } from '../../http/caller.js'
import { auditCreation } from '../../records/index.js'
import { namedBy, validOn } from '../../records/index.js'
import { meetingJson } from './meetings.mapper.js'
import type { MeetingRow, MeetingValues } from './meetings.repository.js'

/** The meeting inserted with its audit row, or undefined when a rule or constraint refused it. */
export async function insertMeetingInOneStatement(
  db: Kysely<DB>,
  hostRef: string,
  hostKinds: readonly UnitKind[],
  values: Omit<MeetingValues, 'unit_id'>,
  scopePath: string | null,
  actor: Actor,
): Promise<MeetingRow | undefined> {
  const inScope = scopePath === null ? sql`true` : sql`host.path <@ ${scopePath}::ltree`
  const v = values
  try {
    const { rows } = await sql<MeetingRow>`
      with host as (
        select id, code, name, kind, path, valid_from, valid_to from units
        where ${namedBy(hostRef, v.held_on, 'units')}
      ), meeting as (
        insert into meetings (id, unit_id, format, held_on, attendees, forms_distributed,
          forms_returned, opinions_received, opinions_answered_on_site, opinions_referred,
          tips_received, source, external_id, note)
        select ${randomUUID()}::uuid, host.id, ${v.format}, ${v.held_on}::date, ${v.attendees},
          ${v.forms_distributed ?? null}::integer, ${v.forms_returned ?? null}::integer,
          ${v.opinions_received ?? null}::integer, ${v.opinions_answered_on_site ?? null}::integer,
          ${v.opinions_referred ?? null}::integer, ${v.tips_received ?? null}::integer,
          ${v.source}, ${v.external_id ?? null}, ${v.note ?? null}
        from host
        where host.kind = any(${[...hostKinds]}::text[]) and ${validOn(v.held_on, 'host')}
          and ${inScope}
        returning *
      ), audit as (${auditCreation({
        actor,
        entity: 'meeting',
        entityId: sql.ref('meeting.id'),
        unitId: sql.ref('host.id'),
        after: meetingJson('meeting', 'host'),
        from: sql`meeting, host`,
      })})
      select meeting.*, host.code as unit_code, host.name as unit_name, host.kind as unit_kind,
        host.path as unit_path
      from meeting, host`.execute(db)
    return rows[0]
  } catch (error) {
    // An integrity rule refused the row (a duplicate externalId, a check): the step-by-step path
    // meets the same rule and reports it in the service's words.
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('23')) return undefined
    throw error
  }
}
