import { type Kysely, type Selectable, sql } from 'kysely'
import type { ApiKeysTable, DB } from '../../db/schema.js'

export type ApiKeyRow = Selectable<ApiKeysTable>

export function createApiKeysRepository(db: Kysely<DB>) {
  return {
    findActiveByHash: (keyHash: string) =>
      db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),

    findById: (id: string, tx: Kysely<DB> = db) =>
      tx.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst(),

    insert: (
      values: Pick<
        ApiKeyRow,
        'name' | 'role' | 'scope_unit_id' | 'source' | 'key_hash' | 'key_prefix' | 'created_by'
      >,
      tx: Kysely<DB> = db,
    ) => tx.insertInto('api_keys').values(values).returningAll().executeTakeFirstOrThrow(),

    revoke: (id: string, tx: Kysely<DB> = db) =>
      tx
        .updateTable('api_keys')
        .set({ revoked_at: new Date() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst(),

    /** Newest first; `after` is the (createdAt, id) of the previous page's last row. */
    list: (options: {
      limit: number
      after?: [string, string]
      includeRevoked: boolean
      /** Only keys scoped inside this subtree (a scoped admin's view); null: all. */
      scopePath: string | null
    }) => {
      let query = db.selectFrom('api_keys').selectAll()
      if (!options.includeRevoked) query = query.where('revoked_at', 'is', null)
      if (options.scopePath !== null)
        query = query.where(
          sql<boolean>`scope_unit_id in (select id from units where path <@ ${options.scopePath}::ltree)`,
        )
      if (options.after) {
        const [createdAt, id] = options.after
        query = query.where(
          sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`,
        )
      }
      return query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit + 1)
        .execute()
    },
  }
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>
