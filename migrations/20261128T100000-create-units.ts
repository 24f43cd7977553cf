import { type Kysely, sql } from 'kysely'

// A unit row is one version of a unit: its code, name, kind and parent over [valid_from, valid_to]
// (inclusive; null = open). The parent never changes within a version, so `path` (the ltree of
// ancestor ids) is fixed and the hierarchy of any past year can be read back. Renames,
// reclassifications, merges and moves close a version and open another, linked by unit_lineage.
export async function up(db: Kysely<any>): Promise<void> {
  // unaccent() is STABLE (it reads a dictionary); an IMMUTABLE wrapper with the dictionary named
  // explicitly can be indexed and used in a generated column.
  await sql`
    create function antq_fold(value text) returns text
    language sql immutable parallel safe strict
    as $$ select lower(public.unaccent('public.unaccent'::regdictionary, value)) $$`.execute(db)

  await db.schema
    .createTable('units')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'uuid', (c) => c.references('units.id'))
    .addColumn('path', sql`ltree`, (c) => c.notNull())
    .addColumn('code_path', 'text', (c) => c.notNull()) // ancestors' codes, 89/893/30628: fixed like path
    .addColumn('valid_from', 'date')
    .addColumn('valid_to', 'date')
    .addColumn('attributes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('search_text', 'text', (c) =>
      c.generatedAlwaysAs(sql`antq_fold(code || ' ' || name)`).stored(),
    )
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'units_kind_check',
      sql`kind in ('province', 'district', 'commune', 'ward', 'town', 'special_zone', 'hamlet', 'agency', 'business', 'school')`,
    )
    .addCheckConstraint(
      'units_validity_check',
      sql`valid_to is null or valid_from is null or valid_from <= valid_to`,
    )
    .addCheckConstraint('units_code_check', sql`code ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'`)
    .execute()

  // A code belongs to one unit at a time: versions sharing a code may not overlap in time.
  await sql`
    alter table units add constraint units_code_no_overlap
    exclude using gist (code with =, daterange(valid_from, valid_to, '[]') with &&)`.execute(db)
  await sql`create index units_path_gist on units using gist (path)`.execute(db)
  await sql`create index units_search_trgm on units using gin (search_text gin_trgm_ops)`.execute(
    db,
  )
  await db.schema
    .createIndex('units_parent_idx')
    .on('units')
    .columns(['parent_id', 'code'])
    .execute()
  await db.schema
    .createIndex('units_code_idx')
    .on('units')
    .columns(['code', 'valid_from'])
    .execute()
  await db.schema.createIndex('units_kind_idx').on('units').columns(['kind', 'code']).execute()

  await db.schema
    .createTable('unit_changes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('effective_date', 'date', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'unit_changes_type_check',
      sql`type in ('merge', 'split', 'rename', 'reclassify', 'reparent')`,
    )
    .execute()

  await db.schema
    .createTable('unit_lineage')
    .addColumn('predecessor_id', 'uuid', (c) => c.notNull().references('units.id'))
    .addColumn('successor_id', 'uuid', (c) => c.notNull().references('units.id'))
    .addColumn('coverage', 'text', (c) => c.notNull())
    .addColumn('change_id', 'uuid', (c) => c.notNull().references('unit_changes.id'))
    .addPrimaryKeyConstraint('unit_lineage_pkey', ['predecessor_id', 'successor_id'])
    .addCheckConstraint('unit_lineage_coverage_check', sql`coverage in ('full', 'partial')`)
    .execute()
  await db.schema
    .createIndex('unit_lineage_successor_idx')
    .on('unit_lineage')
    .column('successor_id')
    .execute()

  await sql`alter table api_keys add constraint api_keys_scope_unit_fkey foreign key (scope_unit_id) references units (id)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table api_keys drop constraint api_keys_scope_unit_fkey`.execute(db)
  await db.schema.dropTable('unit_lineage').execute()
  await db.schema.dropTable('unit_changes').execute()
  await db.schema.dropTable('units').execute()
  await sql`drop function antq_fold(text)`.execute(db)
}
