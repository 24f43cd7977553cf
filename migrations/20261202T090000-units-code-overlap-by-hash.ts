import { type Kysely, sql } from 'kysely'

// The rule stays: a code belongs to one unit at a time (versions sharing a code may not overlap in
// time). Its index changes: the GiST index over the code's text cost a units import ~70 µs a row
// to maintain, and the planner read the code lookups of imports and reorganisations through it
// (~32 µs each, where the btree on (code, valid_from) answers in 1–5 µs). Over a 64-bit hash of
// the code the index is a third of the cost and no longer matches a lookup by code. Two codes with
// the same hash and overlapping periods would be refused as overlapping: at the national list's
// ~300,000 codes the chance that any such pair exists is about 1 in 400 million, and the service
// checks overlaps by the code itself before it writes, so the constraint only decides races.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table units drop constraint units_code_no_overlap`.execute(db)
  await sql`
    alter table units add constraint units_code_no_overlap
    exclude using gist (hashtextextended(code, 0) with =, daterange(valid_from, valid_to, '[]') with &&)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table units drop constraint units_code_no_overlap`.execute(db)
  await sql`
    alter table units add constraint units_code_no_overlap
    exclude using gist (code with =, daterange(valid_from, valid_to, '[]') with &&)`.execute(db)
}
