// The one writer of meetings (the records kernel's writer over this table): POST (a batch of one,
// one round trip), PATCH (one, its row locked by the caller) and an import's batch. The statement
// resolves each host unit as of the day held and applies the host rule (HOST_KINDS), its validity
// that day and the key's scope in SQL; the audit's before and after are built by the database
// from the rows (meetingJson). A write refused by a rule or a constraint writes nothing and comes
// back undefined: the caller's checks (the same rules, in JavaScript) say why.
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { Actor } from '../../http/caller.js'
import { UUID_PATTERN } from '../../http/dates.js'
import {
  type RecordWriter,
  WRITTEN_UNIT,
  validOn,
  writeEveryRecord,
  writeRecords,
} from '../../records/index.js'
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

const WRITTEN = Object.values(WRITTEN_FIELDS)

/** The host as of the day held, if it may host the format then, inside the key's scope. */
const accepted = sql`
  select v.*, h.id as unit_id, h.code as unit_code, h.name as unit_name, h.kind as unit_kind,
    h.path as unit_path
  from v cross join lateral (
    select u.id, u.code, u.name, u.kind, u.path, u.valid_from, u.valid_to from units u
    where u.id = v.ref_id
    union all
    select u.id, u.code, u.name, u.kind, u.path, u.valid_from, u.valid_to from units u
    where v.ref_id is null and u.code = v.ref_code and ${validOn(sql.ref('v.held_on'), 'u')}
    limit 1
  ) h
  where h.kind = any(string_to_array(v.host_kinds, ','))
    and ${validOn(sql.ref('v.held_on'), 'h')}
    and (v.scope_path is null or h.path <@ v.scope_path)`

type Input = MeetingWrite & { source: string; scopePath: string | null }

/** Each format's host kinds as the statement reads them (`string_to_array(host_kinds, ',')`). */
const HOST_KINDS_LISTED = Object.fromEntries(
  Object.entries(HOST_KINDS).map(([format, kinds]) => [format, kinds.join(',')]),
) as Record<keyof typeof HOST_KINDS, string>

const writer: RecordWriter<Input> = {
  table: 'meetings',
  entity: 'meeting',
  input: [
    { column: 'ref_id', type: 'uuid' },
    { column: 'ref_code', type: 'text' },
    { column: 'host_kinds', type: 'text' },
    { column: 'source', type: 'text' },
    { column: 'scope_path', type: 'ltree' },
    { column: 'external_id', type: 'text' },
    ...WRITTEN,
  ],
  valuesOf: (w) => {
    const byId = UUID_PATTERN.test(w.unitRef)
    // Named properties first and the spread last (see RecordWriter.valuesOf).
    return {
      ref_id: byId ? w.unitRef.toLowerCase() : null,
      ref_code: byId ? null : w.unitRef,
      host_kinds: HOST_KINDS_LISTED[w.values.format as keyof typeof HOST_KINDS],
      source: w.source,
      scope_path: w.scopePath,
      external_id: w.externalId ?? null,
      ...w.values,
    }
  },
  replacesOf: (w) => w.replaces,
  accepted,
  periodYear: (alias) => sql`extract(year from ${sql.ref(`${alias}.held_on`)})::int`,
  inserted: [{ column: 'unit_id' }, { column: 'source' }, { column: 'external_id' }, ...WRITTEN],
  replaced: [{ column: 'unit_id' }, ...WRITTEN],
  conflict: sql`(source, external_id) where external_id is not null`,
  carried: ['unit_code', 'unit_name', 'unit_kind', 'unit_path'],
  audit: {
    created: sql`p.id is null`,
    before: sql`case when p.id is null then null else ${meetingJson('p', 'pu', 'jsonb')} end`,
    after: sql`${meetingJson('w', 'wu', 'jsonb')}`,
    joins: WRITTEN_UNIT,
    priorJoins: sql`left join units pu on pu.id = p.unit_id`,
  },
}

/** The written meetings, in the order of `writes`; undefined where a write was refused. */
export const writeMeetings = (
  db: Kysely<DB>,
  writes: readonly MeetingWrite[],
  { source, scopePath, ...context }: MeetingWriteContext,
) =>
  writeRecords<Input, MeetingRow>(
    db,
    writer,
    writes.map((w) => ({ source, scopePath, ...w })),
    context,
  )

/** Whether every write was written (an import's batch, which needs no rows back). */
export const writeEveryMeeting = (
  db: Kysely<DB>,
  writes: readonly MeetingWrite[],
  { source, scopePath, ...context }: MeetingWriteContext,
) =>
  writeEveryRecord(
    db,
    writer,
    writes.map((w) => ({ source, scopePath, ...w })),
    context,
  )
