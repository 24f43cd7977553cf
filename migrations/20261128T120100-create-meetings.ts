import { type Kysely, sql } from 'kysely'

// Forums and consultations, one row per meeting, counts only. `source` is the sending system (an
// API key's source); its `external_id` identifies the meeting there, once.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('source', 'text').execute()

  const count = (name: string) => sql`${sql.ref(name)} is null or ${sql.ref(name)} >= 0`
  await db.schema
    .createTable('meetings')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('unit_id', 'uuid', (c) => c.notNull().references('units.id'))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('held_on', 'date', (c) => c.notNull())
    .addColumn('attendees', 'integer', (c) => c.notNull())
    .addColumn('forms_distributed', 'integer')
    .addColumn('forms_returned', 'integer')
    .addColumn('opinions_received', 'integer')
    .addColumn('opinions_answered_on_site', 'integer')
    .addColumn('opinions_referred', 'integer')
    .addColumn('tips_received', 'integer')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('meetings_format_check', sql`format in ('forum', 'consultation')`)
    .addCheckConstraint('meetings_attendees_check', sql`attendees >= 0`)
    .addCheckConstraint('meetings_forms_distributed_check', count('forms_distributed'))
    .addCheckConstraint('meetings_forms_returned_check', count('forms_returned'))
    .addCheckConstraint('meetings_opinions_received_check', count('opinions_received'))
    .addCheckConstraint(
      'meetings_opinions_answered_on_site_check',
      count('opinions_answered_on_site'),
    )
    .addCheckConstraint('meetings_opinions_referred_check', count('opinions_referred'))
    .addCheckConstraint('meetings_tips_received_check', count('tips_received'))
    .execute()
  await sql`create unique index meetings_source_external_id_key on meetings (source, external_id) where external_id is not null`.execute(
    db,
  )
  await db.schema
    .createIndex('meetings_held_on_idx')
    .on('meetings')
    .columns(['held_on', 'id'])
    .execute()
  await db.schema
    .createIndex('meetings_unit_held_on_idx')
    .on('meetings')
    .columns(['unit_id', 'held_on'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('meetings').execute()
  await db.schema.alterTable('api_keys').dropColumn('source').execute()
}
