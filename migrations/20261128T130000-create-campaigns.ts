import { type Kysely, sql } from 'kysely'

// A campaign (phong trào thi đua) sets targets (chỉ tiêu) for a scope unit and year; reports
// measure the scope's figures against them.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('scope_unit_id', 'uuid', (c) => c.notNull().references('units.id'))
    .addColumn('targets', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('campaigns_code_key', ['code'])
    .addCheckConstraint('campaigns_year_check', sql`year between 1990 and 2100`)
    .execute()
  await db.schema
    .createIndex('campaigns_scope_year_idx')
    .on('campaigns')
    .columns(['scope_unit_id', 'year'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('campaigns').execute()
}
