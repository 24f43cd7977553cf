import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('scope_unit_id', 'uuid')
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`)) // ms: round-trips through a JS Date in cursors
    .addColumn('created_by', 'uuid')
    .addColumn('revoked_at', 'timestamptz')
    .addCheckConstraint('api_keys_role_check', sql`role in ('admin', 'editor', 'viewer')`)
    .addUniqueConstraint('api_keys_key_hash_key', ['key_hash'])
    .execute()
  await db.schema
    .createIndex('api_keys_created_at_id_idx')
    .on('api_keys')
    .columns(['created_at', 'id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_keys').execute()
}
