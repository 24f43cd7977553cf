import { type Kysely, type Selectable, sql } from 'kysely'
import type { ApiKeysTable, DB, UnitKind } from '../../db/schema.js'

/** A key with the unit it is scoped to (null fields when it has none). */
export type ApiKeyRow = Selectable<ApiKeysTable> & {
  scope_code: string | null
  scope_name: string | null
  scope_kind: UnitKind | null
}

export function createApiKeysRepository(db: Kysely<DB>) {
  const withScope = (tx: Kysely<DB>) =>
    tx
      .selectFrom('api_keys as k')
      .leftJoin('units as u', 'u.id', 'k.scope_unit_id')
      .selectAll('k')
      .select(['u.code as scope_code', 'u.name as scope_name', 'u.kind as scope_kind'])
  const findById = (id: string, tx: Kysely<DB> = db): Promise<ApiKeyRow | undefined> =>
    withScope(tx).where('k.id', '=', id).executeTakeFirst()

  return {
    findActiveByHash: (keyHash: string) =>
      db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),

    findById,

    insert: async (
      values: Pick<
        ApiKeyRow,
        'name' | 'role' | 'scope_unit_id' | 'source' | 'key_hash' | 'key_prefix' | 'created_by'
      >,
      tx: Kysely<DB> = db,
    ) => {
      const { id } = await tx
        .insertInto('api_keys')
        .values(values)
        .returning('id')
        .executeTakeFirstOrThrow()
      return (await findById(id, tx))!
    },

    revoke: async (id: string, tx: Kysely<DB> = db) => {
      const revoked = await tx
        .updateTable('api_keys')
        .set({ revoked_at: new Date() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst()
      return revoked && findById(id, tx)
    },

    /** Newest first; `after` is the (createdAt, id) of the previous page's last row. */
    list: (options: {
      limit: number
      after?: [string, string]
      includeRevoked: boolean
      /** Only keys scoped inside this subtree (a scoped admin's view); null: all. */
      scopePath: string | null
    }) => {
      let query = withScope(db)
      if (!options.includeRevoked) query = query.where('k.revoked_at', 'is', null)
      if (options.scopePath !== null)
        query = query.where(sql<boolean>`u.path <@ ${options.scopePath}::ltree`)
      if (options.after) {
        const [createdAt, id] = options.after
        query = query.where(
          sql<boolean>`(k.created_at, k.id) < (${createdAt}::timestamptz, ${id}::uuid)`,
        )
      }
      return query
        .orderBy('k.created_at', 'desc')
        .orderBy('k.id', 'desc')
        .limit(options.limit + 1)
        .execute()
    },
  }
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>
