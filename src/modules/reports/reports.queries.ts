// The report's three aggregations, each one SQL statement over the scoped units: no per-unit round
// trips. `scoped` is the set of units whose records count, with the path they are reported under:
// - hierarchy `year`: units valid during the year in the root's subtree (their own paths);
// - hierarchy `current`: units valid during the year that lead, through lineage, to a unit valid
//   today in the root's subtree (reported under that unit's path); a route through a partial
//   link (a split) makes the unit's records not attributable.
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import { ELIGIBLE_KINDS, excludedSql } from '../certifications/index.js'
import { COMMUNE_LEVEL_KINDS } from '../units/index.js'

export interface ReportScope {
  /** The unit reported on; null for the whole country. */
  root: { id: string; path: string } | null
  /**
   * hierarchy `year`: the paths whose meetings and re-education count — the root's and those of
   * units it fully succeeded during the year (a merger or rename on 1 July brings the first half
   * of the year's activity with it). Certifications, a year-end state, use the root's alone.
   */
  flowPaths?: string[]
  year: number
  hierarchy: 'year' | 'current'
  /** The day "current" means (today in Vietnam). */
  today: string
  /** Group rows by the root's child they fall under (null: one group for everything). */
  byChild: boolean
}

const validDuring = (alias: string, from: string, to: string) =>
  sql.raw(
    `daterange(${alias}.valid_from, ${alias}.valid_to, '[]') && daterange('${from}'::date, '${to}'::date, '[]')`,
  )

/** SQL: the unit aliased `alias` is in the root's subtree (always, for the whole country). */
const under = (alias: string, scope: ReportScope) =>
  scope.root ? sql`${sql.ref(`${alias}.path`)} <@ ${scope.root.path}::ltree` : sql`true`

/** SQL: under any of `paths` (one index condition each, OR-ed). */
const underAny = (alias: string, paths: string[]) =>
  sql`(${sql.join(
    paths.map((path) => sql`${sql.ref(`${alias}.path`)} <@ ${path}::ltree`),
    sql` or `,
  )})`

/** The `scoped` CTE (with `with` / `with recursive` in front) for a report scope. */
function scopedCte(scope: ReportScope, flows = false): RawBuilder<unknown> {
  const from = `${scope.year}-01-01`
  const to = `${scope.year}-12-31`
  if (scope.hierarchy === 'year') {
    const inScope =
      flows && scope.root && scope.flowPaths?.length
        ? underAny('u', scope.flowPaths)
        : under('u', scope)
    return sql`with scoped as (
      select u.id, u.code, u.kind, u.attributes, u.path as report_path, false as not_attributable
      from units u
      where ${inScope} and ${validDuring('u', from, to)}
    )`
  }
  // Candidates: units below the root or below any of its predecessors, transitively.
  const candidates = scope.root
    ? sql`back(id, depth) as (
        select ${scope.root.id}::uuid, 0
        union
        select l.predecessor_id, b.depth + 1 from back b
        join unit_lineage l on l.successor_id = b.id where b.depth < 20
      ),
      candidates as (
        select u.id, u.code, u.kind, u.attributes from units u
        where ${validDuring('u', from, to)}
          and exists (select 1 from back b join units o on o.id = b.id where u.path <@ o.path)
      )`
    : sql`candidates as (
        select u.id, u.code, u.kind, u.attributes from units u where ${validDuring('u', from, to)}
      )`
  return sql`with recursive ${candidates},
    walk(start_id, unit_id, partial, depth) as (
      select c.id, c.id, false, 0 from candidates c
      union all
      select w.start_id, l.successor_id, w.partial or l.coverage = 'partial', w.depth + 1
      from walk w join unit_lineage l on l.predecessor_id = w.unit_id where w.depth < 20
    ),
    landed as (
      select w.start_id, bool_or(w.partial) as partial, count(distinct cu.id) as endpoints,
             min(cu.path::text)::ltree as current_path
      from walk w join units cu on cu.id = w.unit_id
      where ${under('cu', scope)}
        and daterange(cu.valid_from, cu.valid_to, '[]') @> ${scope.today}::date
      group by w.start_id
    ),
    scoped as (
      select c.id, c.code, c.kind, c.attributes, l.current_path as report_path,
             (l.partial or l.endpoints > 1) as not_attributable
      from candidates c join landed l on l.start_id = c.id
    )`
}

/** The group a scoped row falls in: the root's child above it, or '' for the whole report. */
function groupKey(scope: ReportScope) {
  if (!scope.byChild) return sql`''`
  // Rows at the root itself have no child above them: null, left out of the breakdown. The
  // country's children are the provinces, the first label of every path.
  if (!scope.root) return sql`subpath(s.report_path, 0, 1)::text`
  return sql`case when nlevel(s.report_path) > nlevel(${scope.root.path}::ltree)
    then subpath(s.report_path, 0, nlevel(${scope.root.path}::ltree) + 1)::text end`
}

const communeLevel = sql.raw(COMMUNE_LEVEL_KINDS.map((k) => `'${k}'`).join(', '))
const eligibleKinds = sql.raw(ELIGIBLE_KINDS.map((k) => `'${k}'`).join(', '))

export interface CertificationGroupRow {
  key: string | null
  not_attributable: boolean
  kind_group: 'communeLevel' | 'hamlet' | 'agency' | 'business' | 'school'
  eligible: number
  assessed: number
  certified: number
  weak: number
}

/** The paths of the root and of the units it fully succeeded during the year, transitively. */
export async function flowPathsOf(
  db: Kysely<DB>,
  root: { id: string; path: string },
  year: number,
): Promise<string[]> {
  const result = await sql<{ path: string }>`
    with recursive back(id, depth) as (
      select ${root.id}::uuid, 0
      union
      select l.predecessor_id, b.depth + 1 from back b
      join unit_lineage l on l.successor_id = b.id and l.coverage = 'full'
      join units p on p.id = l.predecessor_id
      where b.depth < 20 and ${validDuring('p', `${year}-01-01`, `${year}-12-31`)}
    )
    select u.path::text as path from back b join units u on u.id = b.id`.execute(db)
  return result.rows.map((row) => row.path)
}

export async function certificationFigures(db: Kysely<DB>, scope: ReportScope) {
  // Two stages: one row per unit code first (a unit renamed or reclassified during the year has
  // two versions), then plain counts; cheaper than four count(distinct) sorts. A unit's records
  // count only while the law assesses it: one whose attributes later made it excluded (say, an
  // agency since marked armed-forces) keeps its record but is neither eligible nor certified, so
  // certified never exceeds eligible.
  const result = await sql<CertificationGroupRow>`${scopedCte(scope)},
    per_unit as (
      select ${groupKey(scope)} as key, s.not_attributable,
        case when s.kind in (${communeLevel}) then 'communeLevel' else s.kind end as kind_group,
        bool_or(not ${excludedSql(scope.year, 's')}) as eligible,
        bool_or(c.id is not null) as assessed,
        bool_or(c.result = 'certified') as certified,
        bool_or(c.movement_rating = 'weak') as weak
      from scoped s
      left join certifications c
        on c.unit_id = s.id and c.year = ${scope.year} and c.withdrawn_at is null
      where s.kind in (${eligibleKinds})
      group by 1, 2, 3, s.code
    )
    select key, not_attributable, kind_group,
      count(*) filter (where eligible) as eligible,
      count(*) filter (where eligible and assessed) as assessed,
      count(*) filter (where eligible and certified) as certified,
      count(*) filter (where eligible and weak) as weak
    from per_unit
    group by 1, 2, 3`.execute(db)
  return result.rows
}

export interface MeetingGroupRow {
  key: string | null
  not_attributable: boolean
  forums: number
  hamlets_covered: number
  consultations: number
  attendees: number
  forms_distributed: number
  forms_returned: number
  opinions_received: number
  opinions_answered_on_site: number
  opinions_referred: number
  tips_received: number
}

export async function meetingFigures(db: Kysely<DB>, scope: ReportScope) {
  const result = await sql<MeetingGroupRow>`${scopedCte(scope, true)}
    select ${groupKey(scope)} as key, s.not_attributable,
      count(*) filter (where m.format = 'forum') as forums,
      count(distinct s.code) filter (where m.format = 'forum' and s.kind = 'hamlet') as hamlets_covered,
      count(*) filter (where m.format = 'consultation') as consultations,
      coalesce(sum(m.attendees), 0) as attendees,
      coalesce(sum(m.forms_distributed), 0) as forms_distributed,
      coalesce(sum(m.forms_returned), 0) as forms_returned,
      coalesce(sum(m.opinions_received), 0) as opinions_received,
      coalesce(sum(m.opinions_answered_on_site), 0) as opinions_answered_on_site,
      coalesce(sum(m.opinions_referred), 0) as opinions_referred,
      coalesce(sum(m.tips_received), 0) as tips_received
    from scoped s
    join meetings m on m.unit_id = s.id
      and m.held_on between ${`${scope.year}-01-01`}::date and ${`${scope.year}-12-31`}::date
    group by 1, 2`.execute(db)
  return result.rows
}

export interface ReeducationGroupRow {
  key: string | null
  not_attributable: boolean
  re_educated: number
  reformed: number
  under_management: number
}

/**
 * Per unit (its code, across its versions): its yearly record, else its quarters, else halves,
 * else months; never two kinds.
 */
export async function reeducationFigures(db: Kysely<DB>, scope: ReportScope) {
  const result = await sql<ReeducationGroupRow>`${scopedCte(scope, true)},
    periods as (
      select s.report_path, s.not_attributable, r.re_educated, r.reformed, r.under_management,
        array_position(array['year', 'quarter', 'half', 'month'], r.period_type) as fineness,
        min(array_position(array['year', 'quarter', 'half', 'month'], r.period_type))
          over (partition by s.code) as chosen
      from scoped s
      join reeducation_counts r on r.unit_id = s.id
        and r.starts_on >= ${`${scope.year}-01-01`}::date and r.ends_on <= ${`${scope.year}-12-31`}::date
    )
    select ${groupKey(scope)} as key, s.not_attributable,
      coalesce(sum(s.re_educated), 0) as re_educated,
      coalesce(sum(s.reformed), 0) as reformed,
      coalesce(sum(s.under_management), 0) as under_management
    from periods s
    where s.fineness = s.chosen
    group by 1, 2`.execute(db)
  return result.rows
}
