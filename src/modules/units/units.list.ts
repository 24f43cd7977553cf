// The unit list query: filters resolved by the service (refs → ids and paths) become one
// indexed query: subtree by ltree (GiST), search by trigram (GIN) on the folded name and code.
// A subtree or a parent named by a ref is resolved inside the same statement (one round trip); each
// row carries that unit's path so that the caller can check it against a key's scope. Rows come
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
  /** Children of the unit this ref names on `asOf` (with `underRef`, give `parentId` instead). */
  parentRef?: string
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
  /** The path of the unit `underRef` or `parentRef` named, when given. */
  root_path: string | null
}

export async function listUnits(db: Kysely<DB>, p: UnitListParams): Promise<UnitListRow[]> {
  const underRef = p.underRef
  const rootRef = underRef ?? p.parentRef
  let rows = db
    .selectFrom('units')
    .selectAll('units')
    .select(
      rootRef
        ? sql<string>`(select path from root)`.as('root_path')
        : sql<null>`null::ltree`.as('root_path'),
    )
  if (underRef)
    rows = rows.where(
      sql<boolean>`units.path <@ (select path from root) and units.path <> (select path from root)`,
    )
  if (!p.includeClosed) rows = rows.where(validOn(p.asOf, 'units'))
  if (p.kinds?.length) rows = rows.where(sql<boolean>`units.kind = any(${p.kinds}::text[])`)
  if (p.parentId) rows = rows.where('units.parent_id', '=', p.parentId)
  else if (p.parentRef && !underRef)
    rows = rows.where(sql<boolean>`units.parent_id = (select id from root)`)
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
  const root = rootRef
    ? sql`root as (select id, path from units where ${namedBy(rootRef, p.asOf, 'units')}),`
    : sql``
  const source = underRef
    ? sql`with ${root} subtree as materialized (${rows})`
    : sql`with ${root} subtree as (${rows})`
  // The JSON is written for the page only: the page is cut first, in a subquery of its own (left
  // to itself, the planner wrote every unit of the subtree before sorting them).
  const { rows: page } = await sql<UnitListRow>`
    ${source}
    select ${unitJson('units')} as unit_json, units.code, units.id, units.root_path
    from (
      select units.*, ${ranks} from subtree as units
      order by rank desc, tie desc, units.code, units.id
      offset ${folded ? (p.offset ?? 0) : 0} limit ${p.limit + 1}
    ) as units
    order by units.rank desc, units.tie desc, units.code, units.id`.execute(db)
  return page
}
