import { type Kysely, sql } from 'kysely'

// One yearly ANTT-safety assessment per unit. A withdrawn record stays (with its reason) and no
// longer counts; a new PUT for the same unit and year replaces it, and the audit keeps both.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('certifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('unit_id', 'uuid', (c) => c.notNull().references('units.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('decision_number', 'text')
    .addColumn('decision_date', 'date')
    .addColumn('issued_by', 'text')
    .addColumn('movement_rating', 'text')
    .addColumn('note', 'text')
    .addColumn('withdrawn_at', sql`timestamptz(3)`)
    .addColumn('withdrawn_reason', 'text')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('certifications_unit_year_key', ['unit_id', 'year'])
    .addCheckConstraint('certifications_year_check', sql`year between 1990 and 2100`)
    .addCheckConstraint(
      'certifications_result_check',
      sql`result in ('certified', 'not_certified')`,
    )
    .addCheckConstraint(
      'certifications_rating_check',
      sql`movement_rating in ('excellent', 'good', 'average', 'weak')`,
    )
    .addCheckConstraint(
      'certifications_withdrawal_check',
      sql`(withdrawn_at is null) = (withdrawn_reason is null)`,
    )
    .execute()
  await db.schema
    .createIndex('certifications_year_unit_idx')
    .on('certifications')
    .columns(['year', 'unit_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('certifications').execute()
}
