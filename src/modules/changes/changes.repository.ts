// Reading and pruning the change feed. A read serves only changes of transactions older than the
// oldest one still running (pg_snapshot_xmin of the statement's snapshot): those are all committed
// or gone, so nothing can later appear before a position a reader has passed.
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import { isoTimestamp } from '../../db/sql.js'
import type { Position } from './changes.position.js'

export interface ChangeRow {
  txid: string
  id: number
  entity: string
  entityId: string
  action: string
  unitId: string | null
  unitCode: string | null
  occurredAt: string
  data: unknown
}

export interface ChangeFilter {
  after: Position
  limit: number
  entities?: readonly string[] | undefined
  /** Changes about units below this path only. */
  underPath?: string | undefined
  /** A scoped key's subtree: changes about units outside it are left out; national ones stay. */
  scopePath?: string | null | undefined
}

export interface ChangeRead {
  rows: ChangeRow[]
  /** The last change visible to this read, whatever the filters: where a reader may move to. */
  tail: Position | null
  /** The oldest transaction still running: `after=now` starts here. */
  horizon: string
  /** Changes exist past `after` that are not visible yet (an older transaction still runs). */
  pending: boolean
  /** `after` lies before changes that retention deleted: the reader may have missed some. */
  expired: boolean
}

const txidOf = (p: Position) => sql`${p.txid}::xid8`

export async function readChanges(db: Kysely<DB>, f: ChangeFilter): Promise<ChangeRead> {
  const filters = [sql`(c.txid, c.id) > (${txidOf(f.after)}, ${f.after.id}::bigint)`]
  if (f.entities && f.entities.length > 0)
    filters.push(sql`c.entity = any(${[...f.entities]}::text[])`)
  if (f.underPath) filters.push(sql`c.unit_path <@ ${f.underPath}::ltree`)
  if (f.scopePath) filters.push(sql`(c.unit_path is null or c.unit_path <@ ${f.scopePath}::ltree)`)
  // One statement, so that the page, the tail and the horizon come from one snapshot.
  const result = await sql<{
    items: ChangeRow[] | null
    tail_txid: string | null
    tail_id: number | null
    horizon: string
    pending: boolean
    expired: boolean
  }>`
    select
      (select json_agg(json_build_object(
          'txid', p.txid::text, 'id', p.id, 'entity', p.entity, 'entityId', p.entity_id,
          'action', p.action, 'unitId', p.unit_id, 'unitCode', p.unit_code,
          'occurredAt', ${isoTimestamp(sql.ref('p.occurred_at'))}, 'data', p.data)
          order by p.txid, p.id)
        from (select c.* from changes c
          where c.txid < h.xmin and ${sql.join(filters, sql` and `)}
          order by c.txid, c.id limit ${f.limit}) p) as items,
      t.txid::text as tail_txid, t.id as tail_id,
      h.xmin::text as horizon,
      exists (select 1 from changes c
        where c.txid >= h.xmin and (c.txid, c.id) > (${txidOf(f.after)}, ${f.after.id}::bigint))
        as pending,
      (${txidOf(f.after)}, ${f.after.id}::bigint) < (s.pruned_txid, s.pruned_id) as expired
    from (select pg_snapshot_xmin(pg_current_snapshot()) as xmin) h
    cross join change_feed_state s
    left join lateral (select c.txid, c.id from changes c where c.txid < h.xmin
      order by c.txid desc, c.id desc limit 1) t on true`.execute(db)
  const row = result.rows[0]!
  return {
    rows: row.items ?? [],
    tail: row.tail_txid === null ? null : { txid: row.tail_txid, id: Number(row.tail_id) },
    horizon: row.horizon,
    pending: row.pending,
    expired: row.expired,
  }
}

/**
 * Deletes the changes older than `retentionDays` (up to the newest of them in feed order) and
 * remembers how far, so that a cursor from before answers 410.
 */
export async function pruneChanges(db: Kysely<DB>, retentionDays: number): Promise<number> {
  const result = await sql<{ deleted: number }>`
    with last as (
      select c.txid, c.id from changes c
      where c.occurred_at < now() - make_interval(days => ${retentionDays})
      order by c.txid desc, c.id desc limit 1),
    gone as (
      delete from changes c using last where (c.txid, c.id) <= (last.txid, last.id)
      returning c.id),
    moved as (
      update change_feed_state s set pruned_txid = last.txid, pruned_id = last.id
      from last where s.id = 1 returning s.id)
    select (select count(*) from gone)::int as deleted, (select count(*) from moved) as moved`.execute(
    db,
  )
  return result.rows[0]?.deleted ?? 0
}
