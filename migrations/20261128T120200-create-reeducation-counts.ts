import { type Kysely, sql } from 'kysely'

// Community re-education case counts per commune-level unit and period (counts, never people).
// A period is DHIS2-style (2018, 2018S1, 2018Q3, 201810) and stored with its first and last day.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reeducation_counts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('unit_id', 'uuid', (c) => c.notNull().references('units.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('period_type', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date', (c) => c.notNull())
    .addColumn('re_educated', 'integer', (c) => c.notNull())
    .addColumn('reformed', 'integer', (c) => c.notNull())
    .addColumn('under_management', 'integer', (c) => c.notNull())
    .addColumn('by_category', 'jsonb')
    .addColumn('by_organisation', 'jsonb')
    .addColumn('note', 'text')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('reeducation_counts_unit_period_key', ['unit_id', 'period'])
    .addCheckConstraint(
      'reeducation_counts_period_type_check',
      sql`period_type in ('year', 'half', 'quarter', 'month')`,
    )
    .addCheckConstraint('reeducation_counts_dates_check', sql`starts_on <= ends_on`)
    .addCheckConstraint(
      'reeducation_counts_counts_check',
      sql`re_educated >= 0 and reformed >= 0 and under_management >= 0`,
    )
    .execute()
  await db.schema
    .createIndex('reeducation_counts_starts_on_idx')
    .on('reeducation_counts')
    .columns(['starts_on', 'unit_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reeducation_counts').execute()
}
