import { type Kysely, sql } from 'kysely'

// The change feed: every audited write of a record that integrating systems follow, copied in the
// same transaction (a statement trigger on audit_events, so that no write path can forget it,
// including the single-statement creations and bulk imports). Each change carries the id of the
// transaction that made it (xid8): a reader serves only changes of transactions older than every
// transaction still running (pg_snapshot_xmin), so a change that commits late is never skipped by
// a reader that already moved past younger ones. Readers are woken by a NOTIFY the service sends
// after its writes commit (a NOTIFY inside the writing transaction would take PostgreSQL's
// database-wide notify lock through every commit, serialising them: a quarter of the write rate).
export async function up(db: Kysely<any>): Promise<void> {
  // A change is its audit event (whose `after` is the record it shows), placed in the feed by its
  // transaction: the feed's position is (txid, audit_event_id), its one ordered index.
  await db.schema
    .createTable('changes')
    .addColumn('txid', sql`xid8`, (c) => c.notNull().defaultTo(sql`pg_current_xact_id()`))
    .addColumn('audit_event_id', 'bigint', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'uuid')
    .addColumn('unit_code', 'text')
    .addColumn('unit_path', sql`ltree`)
    .addPrimaryKeyConstraint('changes_pkey', ['txid', 'audit_event_id'])
    .execute()
  await db.schema
    .createIndex('changes_occurred_at_idx')
    .on('changes')
    .column('occurred_at')
    .execute()

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
        -- A deleted unit is gone from units: its path is its parent's and its own id.
        coalesce(u.path, case when a.entity = 'unit' and a.action = 'delete' then
          coalesce((select p.path from units p where p.id = (a.before->>'parentId')::uuid),
            ''::ltree) || text2ltree(replace(a.entity_id, '-', '')) end),
        a.id
      from inserted a
      left join units u
        on u.id = coalesce(a.unit_id, case when a.entity = 'unit' then a.entity_id::uuid end)
      where a.entity in ('unit', 'unit-change', 'unit-import', 'certification', 'meeting',
        'reeducation', 'campaign', 'import')
      order by a.id;
      return null;
    end
    $$`.execute(db)
  await sql`
    create trigger audit_events_to_changes after insert on audit_events
    referencing new table as inserted for each statement
    execute function copy_audit_events_to_changes()`.execute(db)

  // How far retention has deleted: a cursor before it may have missed changes (410).
  await db.schema
    .createTable('change_feed_state')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('pruned_txid', sql`xid8`, (c) => c.notNull().defaultTo(sql`'0'::xid8`))
    .addColumn('pruned_id', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.insertInto('change_feed_state').values({ id: 1 }).execute()

  // Periodic work shared by every process of the service: a process runs a task only when its
  // single-row update moves `next_run_at` forward, so one process runs each round.
  await db.schema
    .createTable('scheduled_tasks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_run_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_run_at', 'timestamptz')
    .addColumn('last_run_by', 'text')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scheduled_tasks').execute()
  await db.schema.dropTable('change_feed_state').execute()
  await sql`drop trigger audit_events_to_changes on audit_events`.execute(db)
  await sql`drop function copy_audit_events_to_changes()`.execute(db)
  await db.schema.dropTable('changes').execute()
}
