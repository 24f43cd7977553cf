// The unit list query: filters resolved by the service (refs → ids and paths) become one
// indexed query: subtree by ltree (GiST), search by trigram (GIN) on the folded name and code.
import { type Kysely, sql } from 'kysely'
import type { DB, UnitKind } from '../../db/schema.js'
import { type UnitRow, validOn } from './units.repository.js'

export interface UnitListParams {
  limit: number
  kinds?: UnitKind[]
  parentId?: string
  /** Subtree: descendants of the unit with this path (the unit itself excluded). */
  underPath?: string
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

export async function listUnits(db: Kysely<DB>, p: UnitListParams): Promise<UnitRow[]> {
  let query = db.selectFrom('units').selectAll()
  if (!p.includeClosed) query = query.where(validOn(p.asOf))
  if (p.kinds?.length) query = query.where('kind', 'in', p.kinds)
  if (p.parentId) query = query.where('parent_id', '=', p.parentId)
  if (p.underPath)
    query = query.where(
      sql<boolean>`path <@ ${p.underPath}::ltree and path <> ${p.underPath}::ltree`,
    )
  if (p.scopePath) query = query.where(sql<boolean>`path <@ ${p.scopePath}::ltree`)
  if (p.q) {
    const folded = sql`antq_fold(${p.q})`
    const pattern = sql`'%' || antq_fold(${p.q.replace(/[\\%_]/g, (c) => `\\${c}`)}) || '%'`
    return query
      .where(sql<boolean>`(search_text like ${pattern} or ${folded} <% search_text)`)
      .orderBy(sql`word_similarity(${folded}, search_text) desc`)
      .orderBy(sql`similarity(${folded}, search_text) desc`)
      .orderBy('code')
      .orderBy('id')
      .offset(p.offset ?? 0)
      .limit(p.limit + 1)
      .execute()
  }
  if (p.after) {
    const [code, id] = p.after
    query = query.where(sql<boolean>`(code, id) > (${code}, ${id}::uuid)`)
  }
  return query
    .orderBy('code')
    .orderBy('id')
    .limit(p.limit + 1)
    .execute()
}
