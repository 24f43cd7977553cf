// The one writer of certifications: a PUT (a batch of one) and an import's batch go through this
// statement, once the units and values have passed the PUT's checks. One round trip writes the
// batch and its audit: a unit's first record of a year inserted (unless another writer recorded
// it first), a stored one (active or withdrawn) replaced only if unchanged since it was read — a
// compare-and-write on its updated_at — and an audit row per written record whose before and
// after the database builds from the rows themselves (certificationJson). A write another writer
// got in before comes back undefined: the caller reads again and decides.
import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { DB, UnitKind } from '../../db/schema.js'
import type { Actor } from '../../http/caller.js'
import { type SqlType, columnRefs, unnestArrays } from '../../records/index.js'
import { WRITTEN_FIELDS, certificationJson } from './certifications.record.js'
import type { CertificationRow, CertificationValues } from './certifications.repository.js'

export interface CertificationWrite {
  unit: { id: string; code: string; name: string; kind: UnitKind }
  year: number
  values: CertificationValues
  /** The stored record this write replaces, as read: written only if unchanged since. */
  replaces?: { id: string; updatedAt: Date } | undefined
}

export interface CertificationWriteContext {
  actor: Actor
  importId?: string | null
}

const INPUT: readonly { column: string; type: SqlType }[] = [
  { column: 'ord', type: 'integer' },
  { column: 'new_id', type: 'uuid' },
  { column: 'unit_id', type: 'uuid' },
  { column: 'unit_code', type: 'text' },
  { column: 'unit_name', type: 'text' },
  { column: 'unit_kind', type: 'text' },
  { column: 'year', type: 'integer' },
  { column: 'replaces_id', type: 'uuid' },
  { column: 'seen', type: 'timestamptz' },
  ...Object.values(WRITTEN_FIELDS),
]
const WRITTEN = Object.values(WRITTEN_FIELDS)

/** The written records, in the order of `writes`; undefined where another writer came first. */
export async function writeCertifications(
  db: Kysely<DB>,
  writes: readonly CertificationWrite[],
  { actor, importId = null }: CertificationWriteContext,
): Promise<(CertificationRow | undefined)[]> {
  if (writes.length === 0) return []
  const rows = writes.map((w, ord) => ({
    ...w.values,
    ord,
    new_id: randomUUID(),
    unit_id: w.unit.id,
    unit_code: w.unit.code,
    unit_name: w.unit.name,
    unit_kind: w.unit.kind,
    year: w.year,
    replaces_id: w.replaces?.id ?? null,
    seen: w.replaces?.updatedAt ?? null,
  }))
  const set = sql.join(
    WRITTEN.map(({ column }) => sql`${sql.ref(column)} = ${sql.ref(`v.${column}`)}`),
  )
  const { rows: written } = await sql<CertificationRow & { ord: number }>`
    with v as (
      select * from unnest(${unnestArrays(INPUT, rows)}) as v(${columnRefs(INPUT)})
    ), prev as (
      select c.* from v join certifications c on c.id = v.replaces_id
    ), ins as (
      insert into certifications (id, unit_id, year, ${columnRefs(WRITTEN)})
      select v.new_id, v.unit_id, v.year, ${columnRefs(WRITTEN, 'v')}
      from v where v.replaces_id is null
      on conflict (unit_id, year) do nothing
      returning *
    ), upd as (
      -- Replacing a withdrawn record makes it active again.
      update certifications c set ${set}, withdrawn_at = null, withdrawn_reason = null,
        updated_at = now()
      from v where c.id = v.replaces_id and c.updated_at = v.seen
      returning c.*
    ), written as (
      select w.*, v.ord, v.unit_code, v.unit_name, v.unit_kind
      from (select * from ins union all select * from upd) w
      join v on w.id = coalesce(v.replaces_id, v.new_id)
    ), audit as (
      insert into audit_events (actor_key_id, actor_name, action, entity, entity_id, unit_id,
        before, after, request_id, import_id)
      select ${actor.keyId}::uuid, ${actor.name},
        -- A record that did not count (none, or withdrawn) counts again: a creation.
        case when p.id is null or p.withdrawn_at is not null then 'create' else 'update' end,
        'certification', w.id::text, w.unit_id,
        case when p.id is null then null else ${certificationJson('p', 'wu')}::jsonb end,
        ${certificationJson('w', 'wu')}::jsonb, ${actor.requestId}, ${importId}::uuid
      from written w
      cross join lateral (select w.unit_id as id, w.unit_code as code, w.unit_name as name,
        w.unit_kind as kind) wu
      left join prev p on p.id = w.id
    )
    select * from written`.execute(db)
  const byOrd = new Array<CertificationRow | undefined>(writes.length)
  for (const { ord, ...row } of written) byOrd[ord] = row
  return byOrd
}
