import { type Kysely, sql } from 'kysely'

// unaccent + pg_trgm: search without diacritics; btree_gist: temporal exclusion constraints;
// ltree: indexed subtrees. All four are trusted extensions on PostgreSQL 13+ and ship with PGlite.
export async function up(db: Kysely<any>): Promise<void> {
  for (const name of ['unaccent', 'pg_trgm', 'btree_gist', 'ltree']) {
    await sql`create extension if not exists ${sql.id(name)}`.execute(db)
  }
}

export async function down(): Promise<void> {
  // Extensions may be shared with other schemas: leave them installed.
}
