// The unit list query: filters resolved by the service (refs → ids and paths) become one
// indexed query: subtree by ltree (GiST), search by trigram (GIN) on the folded name and code.
// A subtree named by a ref is resolved inside the same statement (one round trip); each row
// carries the subtree root's path so that the caller can check it against a key's scope.
import { type Kysely, sql } from 'kysely'
import type { DB, UnitKind } from '../../db/schema.js'
import { UNIT_OUTPUT_COLUMNS, type UnitOutputRow, namedBy, validOn } from './units.repository.js'

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

export type UnitListRow = UnitOutputRow & {
  /** The path of the unit `underRef` named, when given. */
  under_path: string | null
}

export async function listUnits(db: Kysely<DB>, p: UnitListParams): Promise<UnitListRow[]> {
  let query = db
    .selectFrom('units')
    .select(UNIT_OUTPUT_COLUMNS.map((column) => `units.${column}` as const))
  if (p.underRef) {
    const underRef = p.underRef
    query = query
      .innerJoin(
        (eb) =>
          eb
            .selectFrom('units as root')
            .select('root.path as under_path')
            .where(namedBy(underRef, p.asOf, 'root'))
            .as('under'),
        (join) =>
          join.on(sql<boolean>`units.path <@ under.under_path and units.path <> under.under_path`),
      )
      .select('under.under_path')
  } else {
    query = query.select(sql<null>`null`.as('under_path'))
  }
  if (!p.includeClosed) query = query.where(validOn(p.asOf, 'units'))
  if (p.kinds?.length) query = query.where('units.kind', 'in', p.kinds)
  if (p.parentId) query = query.where('units.parent_id', '=', p.parentId)
  if (p.scopePath) query = query.where(sql<boolean>`units.path <@ ${p.scopePath}::ltree`)
  if (p.q) {
    const folded = sql`antq_fold(${p.q})`
    const pattern = sql`'%' || antq_fold(${p.q.replace(/[\\%_]/g, (c) => `\\${c}`)}) || '%'`
    return query
      .where(sql<boolean>`(units.search_text like ${pattern} or ${folded} <% units.search_text)`)
      .orderBy(sql`word_similarity(${folded}, units.search_text) desc`)
      .orderBy(sql`similarity(${folded}, units.search_text) desc`)
      .orderBy('units.code')
      .orderBy('units.id')
      .offset(p.offset ?? 0)
      .limit(p.limit + 1)
      .$castTo<UnitListRow>()
      .execute()
  }
  if (p.after) {
    const [code, id] = p.after
    query = query.where(sql<boolean>`(units.code, units.id) > (${code}, ${id}::uuid)`)
  }
  return query
    .orderBy('units.code')
    .orderBy('units.id')
    .limit(p.limit + 1)
    .$castTo<UnitListRow>()
    .execute()
}
