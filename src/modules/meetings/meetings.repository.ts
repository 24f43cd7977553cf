import { type Kysely, type Selectable, sql, type Transaction } from 'kysely'
import type { DB, MeetingsTable, UnitKind } from '../../db/schema.js'

export type MeetingRow = Selectable<MeetingsTable> & {
  unit_code: string
  unit_name: string
  unit_kind: UnitKind
  unit_path: string
}

export interface MeetingListParams {
  limit: number
  after?: [string, string]
  underPath?: string
  unitId?: string
  scopePath: string | null
  from?: string
  to?: string
  format?: MeetingsTable['format']
  externalId?: string
}

export function createMeetingsRepository(db: Kysely<DB>) {
  const withUnit = (tx: Kysely<DB>) =>
    tx
      .selectFrom('meetings as m')
      .innerJoin('units as u', 'u.id', 'm.unit_id')
      .selectAll('m')
      .select([
        'u.code as unit_code',
        'u.name as unit_name',
        'u.kind as unit_kind',
        'u.path as unit_path',
      ])

  const findById = (id: string, tx: Kysely<DB> = db) =>
    withUnit(tx).where('m.id', '=', id).executeTakeFirst()

  return {
    findById,

    /** The meeting, locked until the transaction ends. */
    lockById: (id: string, tx: Transaction<DB>) =>
      withUnit(tx).where('m.id', '=', id).forUpdate('m').executeTakeFirst(),

    findByExternalId: (source: string, externalId: string, tx: Kysely<DB> = db) =>
      tx
        .selectFrom('meetings')
        .select('id')
        .where('source', '=', source)
        .where('external_id', '=', externalId)
        .executeTakeFirst(),

    delete: (id: string, tx: Kysely<DB>) =>
      tx.deleteFrom('meetings').where('id', '=', id).execute(),

    /** Ordered by the day held, then id. */
    list: (p: MeetingListParams, tx: Kysely<DB> = db) => {
      let query = withUnit(tx)
      if (p.underPath) query = query.where(sql<boolean>`u.path <@ ${p.underPath}::ltree`)
      if (p.unitId) query = query.where('m.unit_id', '=', p.unitId)
      if (p.scopePath) query = query.where(sql<boolean>`u.path <@ ${p.scopePath}::ltree`)
      if (p.from) query = query.where('m.held_on', '>=', p.from)
      if (p.to) query = query.where('m.held_on', '<=', p.to)
      if (p.format) query = query.where('m.format', '=', p.format)
      if (p.externalId) query = query.where('m.external_id', '=', p.externalId)
      if (p.after) {
        const [heldOn, id] = p.after
        query = query.where(sql<boolean>`(m.held_on, m.id) > (${heldOn}::date, ${id}::uuid)`)
      }
      return query
        .orderBy('m.held_on')
        .orderBy('m.id')
        .limit(p.limit + 1)
        .execute()
    },
  }
}
