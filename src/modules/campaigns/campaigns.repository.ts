// The campaigns table, always read with its scope unit's code, name, kind and path (what the API
// shows and what scopes are checked against). Functions take the database or a transaction.
import { type Insertable, type Kysely, type Selectable, sql, type Transaction } from 'kysely'
import type { CampaignsTable, DB, UnitKind } from '../../db/schema.js'

export type CampaignRow = Selectable<CampaignsTable> & {
  unit_code: string
  unit_name: string
  unit_kind: UnitKind
  unit_path: string
}

export type CampaignValues = Pick<
  Insertable<CampaignsTable>,
  'code' | 'name' | 'year' | 'scope_unit_id' | 'targets'
>

export function createCampaignsRepository(db: Kysely<DB>) {
  const withUnit = (tx: Kysely<DB>) =>
    tx
      .selectFrom('campaigns as c')
      .innerJoin('units as u', 'u.id', 'c.scope_unit_id')
      .selectAll('c')
      .select([
        'u.code as unit_code',
        'u.name as unit_name',
        'u.kind as unit_kind',
        'u.path as unit_path',
      ])

  const findById = (id: string, tx: Kysely<DB> = db): Promise<CampaignRow> =>
    withUnit(tx).where('c.id', '=', id).executeTakeFirstOrThrow()

  return {
    findByCode: (code: string, tx: Kysely<DB> = db): Promise<CampaignRow | undefined> =>
      withUnit(tx).where('c.code', '=', code).executeTakeFirst(),

    /** The campaign, locked until the transaction ends. */
    lockById: (id: string, tx: Transaction<DB>): Promise<CampaignRow | undefined> =>
      withUnit(tx).where('c.id', '=', id).forUpdate('c').executeTakeFirst(),

    insert: async (values: CampaignValues, tx: Kysely<DB>) => {
      const { id } = await tx
        .insertInto('campaigns')
        .values(values)
        .returning('id')
        .executeTakeFirstOrThrow()
      return findById(id, tx)
    },

    update: async (
      id: string,
      values: Partial<Pick<CampaignValues, 'name' | 'targets'>>,
      tx: Kysely<DB>,
    ) => {
      await tx
        .updateTable('campaigns')
        .set({ ...values, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute()
      return findById(id, tx)
    },

    delete: (id: string, tx: Kysely<DB>) =>
      tx.deleteFrom('campaigns').where('id', '=', id).execute(),

    /** By code; `underPath`/`scopePath` confine to a subtree of the scope units. */
    list: (p: {
      limit: number
      year?: number | undefined
      underPath?: string | undefined
      scopePath: string | null
      after?: string | undefined
    }) => {
      let query = withUnit(db)
      if (p.year !== undefined) query = query.where('c.year', '=', p.year)
      if (p.underPath) query = query.where(sql<boolean>`u.path <@ ${p.underPath}::ltree`)
      if (p.scopePath) query = query.where(sql<boolean>`u.path <@ ${p.scopePath}::ltree`)
      if (p.after) query = query.where('c.code', '>', p.after)
      return query
        .orderBy('c.code')
        .limit(p.limit + 1)
        .execute()
    },
  }
}
