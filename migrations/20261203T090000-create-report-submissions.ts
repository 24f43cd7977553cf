import { type Kysely, sql } from 'kysely'

// Reports sent up the hierarchy: one row per version of a unit's report for a year, frozen when
// sent (the summary as it stood, with its SHA-256), and what the level above decided.
//
// An accepted report locks its year's records in the unit's subtree. The check and the write it
// guards must not race with an acceptance: a writer calls `period_locks` in its transaction, which
// first takes a shared advisory lock on each year it writes (held until commit) and only then
// reads the accepted submissions — in a statement of its own, so with a snapshot taken after the
// lock (a plpgsql statement in READ COMMITTED reads what committed before it began). An accept
// takes the same lock exclusively before it changes the status: it waits for every writer of the
// year already past its check, and every writer after it waits for the accept to commit, then
// sees it.
const FEED_ENTITIES = sql`('unit', 'unit-change', 'unit-import', 'certification', 'meeting',
  'reeducation', 'campaign', 'import', 'report-submission')`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table report_submissions (
      id uuid primary key default gen_random_uuid(),
      unit_id uuid not null references units (id),
      unit_path ltree not null,
      year integer not null,
      version integer not null,
      status text not null
        check (status in ('submitted', 'accepted', 'returned', 'reopened')),
      recipient_unit_id uuid references units (id),
      submitted_at timestamptz not null default now(),
      submitted_by_key_id uuid,
      submitted_by_name text not null,
      deadline date not null,
      on_time boolean not null,
      note text,
      snapshot jsonb not null,
      snapshot_sha256 text not null,
      decided_at timestamptz,
      decided_by_key_id uuid,
      decided_by_name text,
      reason text,
      history jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (unit_id, year, version)
    )`.execute(db)
  // One open report (submitted or accepted) per unit and year.
  await sql`create unique index report_submissions_open_idx on report_submissions (unit_id, year)
    where status in ('submitted', 'accepted')`.execute(db)
  await sql`create index report_submissions_recipient_idx
    on report_submissions (recipient_unit_id, year)`.execute(db)
  await sql`create index report_submissions_year_idx on report_submissions (year, unit_path)`.execute(
    db,
  )
  // The accepted reports of a year, by the path of their unit: what every write asks.
  await sql`create index report_submissions_accepted_idx on report_submissions (year, unit_path)
    where status = 'accepted'`.execute(db)
  // The locks of accepted years: which writes (by their place in a batch) fall in the subtree of
  // a unit whose report for that year is accepted, and by which submission. Its plans are made
  // once per connection (a plan made for each call's arrays cost a write ~0.1 ms), and a year
  // with no accepted report is answered from the index alone.
  await sql`
    create function period_locks(ords integer[], years integer[], unit_ids uuid[])
    returns table (ord integer, submission_id uuid, submission_unit_id uuid, year integer)
    language plpgsql volatile set plan_cache_mode = force_generic_plan as $$
    begin
      perform pg_advisory_xact_lock_shared(hashtextextended('period:' || y, 0))
        from (select distinct y from unnest(years) y where y is not null) t;
      if not exists (select 1 from report_submissions s
          where s.status = 'accepted' and s.year = any(years)) then
        return;
      end if;
      return query
        select w.ord, s.id, s.unit_id, s.year
        from unnest(ords, years, unit_ids) as w(ord, year, unit_id)
        join units u on u.id = w.unit_id
        join lateral (
          select s.id, s.unit_id, s.year from report_submissions s
          where s.status = 'accepted' and s.year = w.year
            and s.unit_path = any(array(
              select subpath(u.path, 0, n) from generate_series(1, nlevel(u.path)) n))
          order by nlevel(s.unit_path) limit 1
        ) s on true;
    end $$`.execute(db)

  // The feed carries report submissions too, and their transitions in the past tense.
  await sql`drop index audit_events_feed_idx`.execute(db)
  await sql`
    create index audit_events_feed_idx on audit_events (txid, id)
    where entity in ${FEED_ENTITIES}`.execute(db)
  await sql`
    create or replace view changes as
    select a.txid, a.id as audit_event_id, a.occurred_at, a.entity, a.entity_id,
      case a.action when 'create' then 'created' when 'update' then 'updated'
        when 'delete' then 'deleted' when 'apply' then 'applied'
        when 'withdraw' then 'withdrawn' when 'submit' then 'submitted'
        when 'accept' then 'accepted' when 'return' then 'returned'
        when 'reopen' then 'reopened' else a.action end as action,
      coalesce(u.id, a.unit_id, r.unit_ref) as unit_id,
      coalesce(u.code, a.before->>'code', a.after->>'code') as unit_code,
      coalesce(u.path, case when a.entity = 'unit' then
        coalesce((select p.path from units p
          where p.id = (coalesce(a.before, a.after)->>'parentId')::uuid), ''::ltree)
          || text2ltree(replace(a.entity_id, '-', '')) end) as unit_path
    from audit_events a
    cross join lateral (select case when a.entity = 'unit' then a.entity_id::uuid end as unit_ref) r
    left join units u on u.id = coalesce(a.unit_id, r.unit_ref)
    where a.txid is not null and a.entity in ${FEED_ENTITIES}`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function period_locks(integer[], integer[], uuid[])`.execute(db)
  await sql`drop table report_submissions`.execute(db)
  // The view's extra actions name no event once the table is gone; the index narrows back.
  await sql`drop index audit_events_feed_idx`.execute(db)
  await sql`
    create index audit_events_feed_idx on audit_events (txid, id)
    where entity in ('unit', 'unit-change', 'unit-import', 'certification', 'meeting',
      'reeducation', 'campaign', 'import')`.execute(db)
}
