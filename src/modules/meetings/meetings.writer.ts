// The one writer of meetings: POST (a batch of one), PATCH (one, its row locked by the caller) and
// an import's batch all go through this statement. One round trip writes the batch and its audit:
// each host unit resolved as of the day held, the host rule (HOST_KINDS), its validity that day and
// the key's scope applied in SQL, new meetings inserted, replaced ones updated if unchanged since
// they were read, and an audit row per written meeting whose before and after the database builds
// from the rows themselves (meetingJson). A write refused by a rule or a constraint writes nothing
// and comes back undefined: the caller's checks (the same rules, in JavaScript) say why.
import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { Actor } from '../../http/caller.js'
import { UUID_PATTERN } from '../../http/dates.js'
import { type SqlType, columnRefs, unnestArrays, validOn } from '../../records/index.js'
import { HOST_KINDS, WRITTEN_FIELDS, type WrittenColumn, meetingJson } from './meetings.record.js'
import type { MeetingRow } from './meetings.repository.js'

export type MeetingValues = Record<WrittenColumn, string | number | null>

export interface MeetingWrite {
  /** The host unit: its id, or a code resolved as of `values.held_on`. */
  unitRef: string
  values: MeetingValues
  /** The sender's id of the meeting (unique per source), on a new meeting only. */
  externalId?: string | null
  /** The stored meeting this write replaces, as read: written only if unchanged since. */
  replaces?: { id: string; updatedAt: Date }
}

export interface MeetingWriteContext {
  actor: Actor
  /** The sending system (the key's source), which a new meeting records. */
  source: string
  /** The key's scope: a host outside it is refused. */
  scopePath: string | null
  importId?: string | null
}

const INPUT: readonly { column: string; type: SqlType }[] = [
  { column: 'ord', type: 'integer' },
  { column: 'new_id', type: 'uuid' },
  { column: 'unit_id', type: 'uuid' },
  { column: 'unit_code', type: 'text' },
  { column: 'host_kinds', type: 'text' },
  { column: 'replaces_id', type: 'uuid' },
  { column: 'seen', type: 'timestamptz' },
  { column: 'external_id', type: 'text' },
  ...Object.values(WRITTEN_FIELDS),
]
const WRITTEN = Object.values(WRITTEN_FIELDS)

/** The written meetings, in the order of `writes`; undefined where a write was refused. */
export async function writeMeetings(
  db: Kysely<DB>,
  writes: readonly MeetingWrite[],
  { actor, source, scopePath, importId = null }: MeetingWriteContext,
): Promise<(MeetingRow | undefined)[]> {
  if (writes.length === 0) return []
  const rows = writes.map((w, ord) => {
    const byId = UUID_PATTERN.test(w.unitRef)
    return {
      ...w.values,
      ord,
      new_id: randomUUID(),
      unit_id: byId ? w.unitRef.toLowerCase() : null,
      unit_code: byId ? null : w.unitRef,
      host_kinds: HOST_KINDS[w.values.format as keyof typeof HOST_KINDS].join(','),
      replaces_id: w.replaces?.id ?? null,
      seen: w.replaces?.updatedAt ?? null,
      external_id: w.externalId ?? null,
    }
  })
  const set = (alias: string) =>
    sql.join(
      WRITTEN.map(({ column }) => sql`${sql.ref(column)} = ${sql.ref(`${alias}.${column}`)}`),
    )
  const inScope = scopePath === null ? sql`true` : sql`h.path <@ ${scopePath}::ltree`
  const { rows: written } = await sql<MeetingRow & { ord: number }>`
    with v as (
      select * from unnest(${unnestArrays(INPUT, rows)}) as v(${columnRefs(INPUT)})
    ), ok as (
      select v.*, h.id as host_id, h.code as host_code, h.name as host_name, h.kind as host_kind,
        h.path as host_path
      from v cross join lateral (
        select u.id, u.code, u.name, u.kind, u.path, u.valid_from, u.valid_to from units u
        where u.id = v.unit_id
        union all
        select u.id, u.code, u.name, u.kind, u.path, u.valid_from, u.valid_to from units u
        where v.unit_id is null and u.code = v.unit_code and ${validOn(sql.ref('v.held_on'), 'u')}
        limit 1
      ) h
      where h.kind = any(string_to_array(v.host_kinds, ','))
        and ${validOn(sql.ref('v.held_on'), 'h')} and ${inScope}
    ), prev as (
      select m.*, u.id as u_id, u.code as u_code, u.name as u_name, u.kind as u_kind
      from ok join meetings m on m.id = ok.replaces_id join units u on u.id = m.unit_id
    ), ins as (
      insert into meetings (id, unit_id, source, external_id, ${columnRefs(WRITTEN)})
      select ok.new_id, ok.host_id, ${source}, ok.external_id, ${columnRefs(WRITTEN, 'ok')}
      from ok where ok.replaces_id is null
      on conflict (source, external_id) where external_id is not null do nothing
      returning *
    ), upd as (
      update meetings m set unit_id = ok.host_id, ${set('ok')}, updated_at = now()
      from ok where m.id = ok.replaces_id and m.updated_at = ok.seen
      returning m.*
    ), written as (
      select w.*, ok.ord, ok.host_code as unit_code, ok.host_name as unit_name,
        ok.host_kind as unit_kind, ok.host_path as unit_path
      from (select * from ins union all select * from upd) w
      join ok on w.id = coalesce(ok.replaces_id, ok.new_id)
    ), audit as (
      insert into audit_events (actor_key_id, actor_name, action, entity, entity_id, unit_id,
        before, after, request_id, import_id)
      select ${actor.keyId}::uuid, ${actor.name},
        case when p.id is null then 'create' else 'update' end, 'meeting', w.id::text, w.unit_id,
        case when p.id is null then null else ${meetingJson('p', 'pu')}::jsonb end,
        ${meetingJson('w', 'wu')}::jsonb, ${actor.requestId}, ${importId}::uuid
      from written w
      cross join lateral (select w.unit_id as id, w.unit_code as code, w.unit_name as name,
        w.unit_kind as kind) wu
      left join prev p on p.id = w.id
      left join lateral (select p.u_id as id, p.u_code as code, p.u_name as name,
        p.u_kind as kind) pu on true
    )
    select * from written`.execute(db)
  const byOrd = new Array<MeetingRow | undefined>(writes.length)
  for (const { ord, ...row } of written) byOrd[ord] = row
  return byOrd
}
