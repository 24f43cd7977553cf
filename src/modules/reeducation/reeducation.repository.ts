import { type Kysely, type Selectable, sql, type Transaction } from 'kysely'
import type { DB, ReeducationCountsTable, UnitKind } from '../../db/schema.js'

export type ReeducationRow = Selectable<ReeducationCountsTable> & {
  unit_code: string
  unit_name: string
  unit_kind: UnitKind
}

export interface ReeducationValues {
  re_educated: number
  reformed: number
  under_management: number
  by_category: Record<string, number> | null
  by_organisation: Record<string, number> | null
  note: string | null
}

export interface ReeducationListParams {
  limit: number
  after?: [string, string, string, string]
  underPath?: string
  unitId?: string
  scopePath: string | null
  period?: string
  year?: number
  periodType?: ReeducationCountsTable['period_type']
}

export function createReeducationRepository(db: Kysely<DB>) {
  const withUnit = (tx: Kysely<DB>) =>
    tx
      .selectFrom('reeducation_counts as r')
      .innerJoin('units as u', 'u.id', 'r.unit_id')
      .selectAll('r')
      .select(['u.code as unit_code', 'u.name as unit_name', 'u.kind as unit_kind'])

  return {
    find: (unitId: string, period: string, tx: Kysely<DB> = db) =>
      withUnit(tx)
        .where('r.unit_id', '=', unitId)
        .where('r.period', '=', period)
        .executeTakeFirst(),

    /** The record, locked until the transaction ends. */
    lock: (unitId: string, period: string, tx: Transaction<DB>) =>
      withUnit(tx)
        .where('r.unit_id', '=', unitId)
        .where('r.period', '=', period)
        .forUpdate('r')
        .executeTakeFirst(),

    delete: (id: string, tx: Kysely<DB>) =>
      tx.deleteFrom('reeducation_counts').where('id', '=', id).execute(),

    /** Ordered by the period's first day, unit code, period (a year before its months), id. */
    list: (p: ReeducationListParams, tx: Kysely<DB> = db) => {
      let query = withUnit(tx)
      if (p.underPath) query = query.where(sql<boolean>`u.path <@ ${p.underPath}::ltree`)
      if (p.unitId) query = query.where('r.unit_id', '=', p.unitId)
      if (p.scopePath) query = query.where(sql<boolean>`u.path <@ ${p.scopePath}::ltree`)
      if (p.period) query = query.where('r.period', '=', p.period)
      if (p.year !== undefined)
        query = query
          .where('r.starts_on', '>=', `${p.year}-01-01`)
          .where('r.starts_on', '<=', `${p.year}-12-31`)
      if (p.periodType) query = query.where('r.period_type', '=', p.periodType)
      if (p.after) {
        const [startsOn, code, period, id] = p.after
        query = query.where(
          sql<boolean>`(r.starts_on, u.code, r.period, r.id) > (${startsOn}::date, ${code}, ${period}, ${id}::uuid)`,
        )
      }
      return query
        .orderBy('r.starts_on')
        .orderBy('u.code')
        .orderBy('r.period')
        .orderBy('r.id')
        .limit(p.limit + 1)
        .execute()
    },
  }
}
