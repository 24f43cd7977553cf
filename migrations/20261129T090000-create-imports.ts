import { type Kysely, sql } from 'kysely'

// Bulk imports: one row per file sent (its dataset, who sent it, how it ended, its counts and the
// first errors), the file of an import run in the background (in chunks, until it has run), and
// the import each audited record change came from.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'boolean', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('actor_key_id', 'uuid')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('scope_unit_id', 'uuid')
    .addColumn('caller', 'jsonb', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('body_sha256', 'text')
    .addColumn('rows_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('counts', 'jsonb')
    .addColumn('errors', 'jsonb')
    .addColumn('errors_truncated', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('failure', 'text')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', sql`timestamptz(3)`)
    .addColumn('finished_at', sql`timestamptz(3)`)
    .addCheckConstraint(
      'imports_status_check',
      sql`status in ('queued', 'running', 'succeeded', 'failed')`,
    )
    .addCheckConstraint(
      'imports_dataset_check',
      sql`dataset in ('units', 'certifications', 'meetings', 'reeducation')`,
    )
    .execute()
  await db.schema
    .createIndex('imports_actor_created_idx')
    .on('imports')
    .columns(['actor_key_id', 'created_at'])
    .execute()
  await db.schema
    .createIndex('imports_queued_idx')
    .on('imports')
    .column('created_at')
    .where(sql.ref('status'), 'in', ['queued', 'running'])
    .execute()
  await db.schema
    .createTable('import_chunks')
    .addColumn('import_id', 'uuid', (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_chunks_pkey', ['import_id', 'seq'])
    .execute()
  await db.schema.alterTable('audit_events').addColumn('import_id', 'uuid').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_events').dropColumn('import_id').execute()
  await db.schema.dropTable('import_chunks').execute()
  await db.schema.dropTable('imports').execute()
}
