// The unit list query: filters resolved by the service (refs → ids and paths) become one
// indexed query: subtree by ltree (GiST), search by trigram (GIN) on the folded name and code.
// A subtree named by a ref is resolved inside the same statement (one round trip); each row
// carries the subtree root's path so that the caller can check it against a key's scope. Rows come
// back as the JSON the API shows (unitJson) with their sort key, ready to be joined into a page.
import { type Kysely, sql } from 'kysely'
import type { DB, UnitKind } from '../../db/schema.js'
import { unitJson } from './units.mapper.js'
import { namedBy, validOn } from './units.repository.js'

export interface UnitListParams {
  limit: number
  kinds?: UnitKind[]
  parentId?: string
  /** Subtree: descendants of the unit this ref names on `asOf` (the unit itself excluded). */
  underRef?: string
  /** The caller's scope: only this subtree (inclusive). */
  scopePath?: string | null
  /** Folded here by antq_fold(), the function the indexed search column is built with. */
  q?: string
  asOf: string
  includeClosed: boolean
  /** Keyset after (code, id) when there is no q; an offset when ranked by q. */
  after?: [string, string]
  offset?: number
}

export interface UnitListRow {
  /** The unit as the API shows it, as JSON text. */
  unit_json: string
  code: string
  id: string
  /** The path of the unit `underRef` named, when given. */
  under_path: string | null
}

export async function listUnits(db: Kysely<DB>, p: UnitListParams): Promise<UnitListRow[]> {
  const underRef = p.underRef
  let rows = db
    .selectFrom('units')
    .selectAll('units')
    .select(
      underRef
        ? sql<string>`(select path from root)`.as('under_path')
        : sql<null>`null::ltree`.as('under_path'),
    )
  if (underRef)
    rows = rows.where(
      sql<boolean>`units.path <@ (select path from root) and units.path <> (select path from root)`,
    )
  if (!p.includeClosed) rows = rows.where(validOn(p.asOf, 'units'))
  if (p.kinds?.length) rows = rows.where(sql<boolean>`units.kind = any(${p.kinds}::text[])`)
  if (p.parentId) rows = rows.where('units.parent_id', '=', p.parentId)
  if (p.scopePath) rows = rows.where(sql<boolean>`units.path <@ ${p.scopePath}::ltree`)
  const folded = p.q ? sql`antq_fold(${p.q})` : undefined
  if (p.q) {
    const pattern = sql`'%' || antq_fold(${p.q.replace(/[\\%_]/g, (c) => `\\${c}`)}) || '%'`
    rows = rows.where(
      sql<boolean>`(units.search_text like ${pattern} or ${folded} <% units.search_text)`,
    )
  } else if (p.after) {
    const [code, id] = p.after
    rows = rows.where(sql<boolean>`(units.code, units.id) > (${code}, ${id}::uuid)`)
  }
  // Ranked by similarity when searching, else by code; the ranks are columns so that the page,
  // once cut, keeps its order.
  const ranks = folded
    ? sql`word_similarity(${folded}, units.search_text) as rank, similarity(${folded}, units.search_text) as tie`
    : sql`0 as rank, 0 as tie`
  // A subtree's root is looked up inside the statement, so its size is unknown when the statement
  // is planned: the planner may then walk every unit of the country in code order, hoping to meet
  // a page of the subtree early (10 ms for a province late in the code order). Materialising the
  // subtree first keeps the query on the subtree index whatever the root.
  const source = underRef
    ? sql`with root as (select path from units where ${namedBy(underRef, p.asOf, 'units')}),
        subtree as materialized (${rows})`
    : sql`with subtree as (${rows})`
  // The JSON is written for the page only: the page is cut first, in a subquery of its own (left
  // to itself, the planner wrote every unit of the subtree before sorting them).
  const { rows: page } = await sql<UnitListRow>`
    ${source}
    select ${unitJson('units')} as unit_json, units.code, units.id, units.under_path
    from (
      select units.*, ${ranks} from subtree as units
      order by rank desc, tie desc, units.code, units.id
      offset ${folded ? (p.offset ?? 0) : 0} limit ${p.limit + 1}
    ) as units
    order by units.rank desc, units.tie desc, units.code, units.id`.execute(db)
  return page
}
