import { describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { createTestApp } from '../support/app.js'
import { openTestDatabase } from '../support/database.js'
import { PREPARE_HINT, statementNamer } from '../../src/db/prepared-statements.js'

describe('statementNamer', () => {
  it('names reads by key and writes, the same text always the same name', () => {
    const nameOf = statementNamer()
    const byId = 'select * from "units" where "id" = $1'
    const insert = 'insert into "audit_events" ("actor_name") values ($1)'
    expect(nameOf(byId)).toMatch(/^antq_[\w-]{24}$/)
    expect(nameOf(byId)).toBe(nameOf(byId))
    expect(nameOf(insert)).toMatch(/^antq_/)
    expect(nameOf(insert)).not.toBe(nameOf(byId))
    expect(statementNamer()(byId)).toBe(nameOf(byId))
  })

  it('names pages, and subtrees whose root the statement itself looks up', () => {
    const nameOf = statementNamer()
    expect(
      nameOf('select * from "units" where "kind" = $1 order by "code" limit $2'),
    ).not.toBeNull()
    expect(
      nameOf(
        'select * from units join (select path from units where id = $1) r on units.path <@ r.path',
      ),
    ).not.toBeNull()
    // A long statement every write of a dataset runs asks for it (the records writer).
    const long = `with v as (select * from unnest($1::int[])) select ${'v.x, '.repeat(500)}1 from v`
    expect(nameOf(long)).toBeNull()
    expect(nameOf(`${PREPARE_HINT}\n${long}`)).toMatch(/^antq_/)
    expect(nameOf(`${PREPARE_HINT} select * from units where path <@ $1::ltree`)).toBeNull()
  })

  it('plans parameter subtrees, searches, aggregates, long and non-DML statements on every call', () => {
    const nameOf = statementNamer()
    for (const sql of [
      'select * from "units" where path <@ $1::ltree',
      'select * from "units" where path @> $1::ltree',
      'select * from "units" where antq_fold($1) <% search_text',
      'select "year", count(*) from "certifications" group by "year"',
      `select * from "units" where "id" in (${Array.from({ length: 500 }, (_, i) => `$${i + 1}`).join(', ')})`,
      'begin',
      'create table x (id int)',
    ])
      expect(nameOf(sql)).toBeNull()
  })
})

describe('DATABASE_PREPARED_STATEMENTS', () => {
  it.each([true, false])(
    'serves the same answers with prepared statements %s',
    async (prepared) => {
      const t = await createTestApp({}, await openTestDatabase({ preparedStatements: prepared }))
      try {
        const province = await t
          .admin()
          .post('/v1/units')
          .send({ code: 'P1', name: 'Tỉnh Một', kind: 'province' })
          .expect(201)
        for (let i = 0; i < 8; i++) {
          // Past the fifth run a prepared statement may switch to a cached plan: still the same answers.
          await t
            .admin()
            .post('/v1/units')
            .send({ code: `C${i}`, name: `Xã ${i}`, kind: 'commune', parentCode: 'P1' })
            .expect(201)
          const page = await t
            .admin()
            .get(`/v1/units?under=${province.body.id}&limit=100`)
            .expect(200)
          expect(page.body.items.map((u: { code: string }) => u.code)).toEqual(
            Array.from({ length: i + 1 }, (_, j) => `C${j}`),
          )
          await t.admin().get(`/v1/units/C${i}`).expect(200)
        }
      } finally {
        await t.close()
      }
    },
  )
})

describe('a table changed under prepared statements', () => {
  it('runs the statement again unprepared, with the new shape', async () => {
    const database = await openTestDatabase()
    try {
      const select = () =>
        database.db.selectFrom('api_keys').selectAll().where('name', '=', 'nobody').execute()
      // Enough runs on every connection of the pool for each to hold the statement prepared.
      for (let i = 0; i < 30; i++) await Promise.all([select(), select(), select(), select()])
      await sql`alter table api_keys add column added_later integer`.execute(database.db)
      await database.db
        .insertInto('api_keys')
        .values({ name: 'nobody', key_hash: 'h', key_prefix: 'p', role: 'viewer' })
        .execute()
      for (let i = 0; i < 3; i++) {
        const rows = await Promise.all([select(), select(), select(), select()])
        for (const r of rows) expect(r[0]).toHaveProperty('added_later', null)
      }
    } finally {
      await database.close()
    }
  })
})
