// Reading the change feed (a view over the audit events of the feed's entities) and moving its
// start past the retention. A read serves only changes of transactions older than the
// oldest one of this database still running when it began (`horizon`): those are all committed or
// gone, so nothing can later appear before a position a reader has passed.
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
  /** Where the reader goes on from: past the page, or past every change it considered. */
  next: Position
  /** The scan window filled before the page did: more changes may match further on. */
  more: boolean
  /** Changes exist past `after` that are not visible yet (an older transaction still runs). */
  pending: boolean
  /** `after` lies before changes that retention deleted: the reader may have missed some. */
  expired: boolean
}

/**
 * The most changes one read considers: a reader far behind with narrow filters gets an empty
 * page and a cursor further on, rather than a statement that scans the whole feed.
 */
export const SCAN_WINDOW = 10_000

const txidOf = (p: Position) => sql`${p.txid}::xid8`

/**
 * SQL: the oldest transaction of this database still running when the statement began (or the
 * next transaction id when none is). Changes of older transactions are all committed or gone.
 * pg_snapshot_xmin would do, but it counts every database of the server: a long transaction in
 * another database (another application, another test) would hold this feed back. Transactions
 * seen running in other databases are left out; one not seen for certain (its session ended
 * meanwhile, or its details are hidden from this role) still counts, which is only slower.
 */
export const feedHorizon = sql<string>`(
  select coalesce(
    (select min(x) from pg_snapshot_xip(snap.s) x
      where not exists (select 1 from pg_stat_activity a
        where a.datname is distinct from current_database() and a.backend_xid is not null
          -- xid (32 bits, as sessions show it) against xid8 (with its epoch)
          and a.backend_xid::text = (x::text::numeric % 4294967296)::text)),
    pg_snapshot_xmax(snap.s))
  from (select pg_current_snapshot() as s) snap)`

/** Where `after=now` starts: every change visible now lies before it. */
export async function currentHorizon(db: Kysely<DB>): Promise<string> {
  const result = await sql<{ horizon: string }>`select ${feedHorizon}::text as horizon`.execute(db)
  return result.rows[0]!.horizon
}

export async function readChanges(db: Kysely<DB>, f: ChangeFilter): Promise<ChangeRead> {
  const filters = [sql`true`]
  if (f.entities && f.entities.length > 0)
    filters.push(sql`c.entity = any(${[...f.entities]}::text[])`)
  if (f.underPath) filters.push(sql`c.unit_path <@ ${f.underPath}::ltree`)
  if (f.scopePath) filters.push(sql`(c.unit_path is null or c.unit_path <@ ${f.scopePath}::ltree)`)
  const after = sql`(${txidOf(f.after)}, ${f.after.id}::bigint)`
  // One statement, so that the page, the window and the horizon come from one snapshot.
  const result = await sql<{
    items: ChangeRow[] | null
    scanned: number
    last_txid: string | null
    last_id: number | null
    pending: boolean
    expired: boolean
  }>`
    with h as materialized (select ${feedHorizon} as xmin),
    -- Where the scan starts: after the cursor, and never before the feed's start (the events
    -- before it stay in the audit). As two scalars, the index scan starts there.
    st as materialized (
      select case when ${after} < (s.pruned_txid, s.pruned_id) then s.pruned_txid
          else ${txidOf(f.after)} end as txid,
        case when ${after} < (s.pruned_txid, s.pruned_id) then s.pruned_id
          else ${f.after.id}::bigint end as id
      from change_feed_state s),
    scanned as materialized (
      select c.*, c.audit_event_id as id from changes c, h
      where c.txid < h.xmin
        and (c.txid, c.audit_event_id) > ((select txid from st), (select id from st))
      order by c.txid, c.audit_event_id limit ${SCAN_WINDOW}),
    page as (
      select * from scanned c where ${sql.join(filters, sql` and `)}
      order by c.txid, c.id limit ${f.limit}),
    last as (select txid, id from scanned order by txid desc, id desc limit 1)
    select
      (select json_agg(json_build_object(
          'txid', p.txid::text, 'id', p.id, 'entity', p.entity, 'entityId', p.entity_id,
          'action', p.action, 'unitId', p.unit_id, 'unitCode', p.unit_code,
          'occurredAt', ${isoTimestamp(sql.ref('p.occurred_at'))}, 'data', a.after)
          order by p.txid, p.id)
        from page p join audit_events a on a.id = p.id) as items,
      (select count(*) from scanned)::int as scanned,
      (select txid::text from last) as last_txid,
      (select id from last) as last_id,
      exists (select 1 from changes c
        where c.txid >= h.xmin and (c.txid, c.audit_event_id) > ${after})
        as pending,
      ${after} < (s.pruned_txid, s.pruned_id) as expired
    from h cross join change_feed_state s`.execute(db)
  const row = result.rows[0]!
  const rows = row.items ?? []
  const lastScanned =
    row.last_txid === null ? f.after : { txid: row.last_txid, id: Number(row.last_id) }
  const full = rows.length === f.limit
  return {
    rows,
    // A full page goes on after its last change; otherwise every change scanned was considered.
    next: full ? rows[rows.length - 1]! : lastScanned,
    more: !full && row.scanned === SCAN_WINDOW,
    pending: row.pending,
    expired: row.expired,
  }
}

/**
 * Moves the feed's start past the changes older than `retentionDays` (the audit keeps them; the
 * feed no longer serves them), so that a cursor from before answers 410. The start moves to the
 * last change before the first one still within the retention, in feed order: the walk from the
 * old start reads only the changes that expired since. Returns how many changes it passed.
 */
export async function pruneChanges(db: Kysely<DB>, retentionDays: number): Promise<number> {
  const result = await sql<{ passed: number }>`
    with s as (select pruned_txid as txid, pruned_id as id from change_feed_state where id = 1),
    kept as (
      select c.txid, c.audit_event_id as id from changes c
      where (c.txid, c.audit_event_id) > ((select txid from s), (select id from s))
        and c.occurred_at >= now() - make_interval(days => ${retentionDays})
      order by c.txid, c.audit_event_id limit 1),
    last as (
      select c.txid, c.audit_event_id as id from changes c
      where (c.txid, c.audit_event_id) > ((select txid from s), (select id from s))
        -- before the first change kept (or the last of all): bounds the index scan from both ends
        and (c.txid, c.audit_event_id) < (
          coalesce((select txid from kept), '18446744073709551615'::xid8),
          coalesce((select id from kept), 9223372036854775807))
      order by c.txid desc, c.audit_event_id desc limit 1),
    passed as (
      select count(*)::int as n from changes c, last
      where (c.txid, c.audit_event_id) > ((select txid from s), (select id from s))
        and (c.txid, c.audit_event_id) <= (last.txid, last.id)),
    moved as (
      update change_feed_state f set pruned_txid = last.txid, pruned_id = last.id
      from last where f.id = 1 returning f.id)
    select (select n from passed) as passed, (select count(*) from moved) as moved`.execute(db)
  return result.rows[0]?.passed ?? 0
}
