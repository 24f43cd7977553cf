import { type Kysely, sql } from 'kysely'

// The change feed is read from the audit itself. A change always was its audit event placed in
// the feed by its transaction; the feed's own table (filled by a statement trigger on
// audit_events) copied each one: a second row and two more index entries per write, and the
// trigger's machinery alone (transition table, plpgsql call) cost a single write ~50-80 µs of the
// database's CPU. Now the audit event carries its transaction's id (`txid`, set by its default,
// so no write path can forget it) and `changes` is a view over the feed's entities, with the
// unit's code and path read from units (a unit's path is fixed for its version; a unit no longer
// stored is placed by its parent and its own id, as the trigger placed a deleted one). Retention
// no longer deletes anything (the audit keeps every event): it moves the feed's start, and a
// cursor from before it still answers 410.
const FEED_ENTITIES = sql`('unit', 'unit-change', 'unit-import', 'certification', 'meeting',
  'reeducation', 'campaign', 'import')`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('audit_events')
    .addColumn('txid', sql`xid8`)
    .execute()
  // Events still in the feed keep their place; pruned ones and other entities stay out of it.
  await sql`update audit_events a set txid = c.txid from changes c where c.audit_event_id = a.id`.execute(
    db,
  )
  await sql`alter table audit_events alter column txid set default pg_current_xact_id()`.execute(db)
  await sql`
    create index audit_events_feed_idx on audit_events (txid, id)
    where entity in ${FEED_ENTITIES}`.execute(db)

  await sql`drop trigger audit_events_to_changes on audit_events`.execute(db)
  await sql`drop function copy_audit_events_to_changes()`.execute(db)
  await db.schema.dropTable('changes').execute()
  await sql`
    create view changes as
    select a.txid, a.id as audit_event_id, a.occurred_at, a.entity, a.entity_id,
      case a.action when 'create' then 'created' when 'update' then 'updated'
        when 'delete' then 'deleted' when 'apply' then 'applied'
        when 'withdraw' then 'withdrawn' else a.action end as action,
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
  await sql`alter view changes rename to changes_from_audit`.execute(db)
  await sql`create table changes as select * from changes_from_audit`.execute(db)
  await sql`drop view changes_from_audit`.execute(db)
  await sql`alter table changes add primary key (txid, audit_event_id)`.execute(db)
  await sql`alter table changes alter column txid set default pg_current_xact_id()`.execute(db)
  await sql`create index changes_occurred_at_idx on changes (occurred_at)`.execute(db)
  await sql`
    create function copy_audit_events_to_changes() returns trigger language plpgsql as $$
    begin
      insert into changes
        (occurred_at, entity, entity_id, action, unit_id, unit_code, unit_path, audit_event_id)
      select a.occurred_at, a.entity, a.entity_id,
        case a.action when 'create' then 'created' when 'update' then 'updated'
          when 'delete' then 'deleted' when 'apply' then 'applied'
          when 'withdraw' then 'withdrawn' else a.action end,
        coalesce(u.id, a.unit_id, case when a.entity = 'unit' then a.entity_id::uuid end),
        coalesce(u.code, a.before->>'code'),
        coalesce(u.path, case when a.entity = 'unit' and a.action = 'delete' then
          coalesce((select p.path from units p where p.id = (a.before->>'parentId')::uuid),
            ''::ltree) || text2ltree(replace(a.entity_id, '-', '')) end),
        a.id
      from inserted a
      left join units u
        on u.id = coalesce(a.unit_id, case when a.entity = 'unit' then a.entity_id::uuid end)
      where a.entity in ${FEED_ENTITIES}
      order by a.id;
      return null;
    end
    $$`.execute(db)
  await sql`
    create trigger audit_events_to_changes after insert on audit_events
    referencing new table as inserted for each statement
    execute function copy_audit_events_to_changes()`.execute(db)
  await sql`drop index audit_events_feed_idx`.execute(db)
  await db.schema.alterTable('audit_events').dropColumn('txid').execute()
}
