import { describe, expect, it } from '@jest/globals'
import { statementNamer } from '../../src/db/prepared-statements.js'

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
