import { type Kysely, type Selectable, sql, type Transaction } from 'kysely'
import type { CertificationsTable, DB, UnitKind } from '../../db/schema.js'

export type CertificationRow = Selectable<CertificationsTable> & {
  unit_code: string
  unit_name: string
  unit_kind: UnitKind
}

type UnitFields = { id: string; code: string; name: string; kind: UnitKind }

export type CertificationValues = Pick<
  CertificationsTable,
  | 'result'
  | 'legal_basis'
  | 'decision_number'
  | 'decision_date'
  | 'issued_by'
  | 'movement_rating'
  | 'note'
>

export interface CertificationListParams {
  limit: number
  after?: [number, string, string]
  year?: number
  unitId?: string
  underPath?: string
  scopePath: string | null
  kinds?: UnitKind[]
  result?: CertificationsTable['result']
  legalBasis?: string
  movementRating?: string
  status: 'active' | 'withdrawn' | 'all'
}

export function createCertificationsRepository(db: Kysely<DB>) {
  const withUnit = (tx: Kysely<DB>) =>
    tx
      .selectFrom('certifications as c')
      .innerJoin('units as u', 'u.id', 'c.unit_id')
      .selectAll('c')
      .select(['u.code as unit_code', 'u.name as unit_name', 'u.kind as unit_kind'])

  /** A written row with the fields of its unit, which the caller already holds. */
  const withUnitOf = (
    unit: UnitFields,
    row: Selectable<CertificationsTable>,
  ): CertificationRow => ({
    ...row,
    unit_code: unit.code,
    unit_name: unit.name,
    unit_kind: unit.kind,
  })

  return {
    find: (unitId: string, year: number, tx: Kysely<DB> = db) =>
      withUnit(tx).where('c.unit_id', '=', unitId).where('c.year', '=', year).executeTakeFirst(),

    /** The record, locked until the transaction ends. */
    lock: (unitId: string, year: number, tx: Transaction<DB>) =>
      withUnit(tx)
        .where('c.unit_id', '=', unitId)
        .where('c.year', '=', year)
        .forUpdate('c')
        .executeTakeFirst(),

    withdraw: async (unit: UnitFields, id: string, reason: string, tx: Kysely<DB>) =>
      withUnitOf(
        unit,
        await tx
          .updateTable('certifications')
          .set({ withdrawn_at: sql`now()`, withdrawn_reason: reason, updated_at: sql`now()` })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow(),
      ),

    /** Ordered by year, unit code, id; `after` is the previous page's last key. */
    list: (p: CertificationListParams, tx: Kysely<DB> = db) => {
      let query = withUnit(tx)
      if (p.year !== undefined) query = query.where('c.year', '=', p.year)
      if (p.unitId) query = query.where('c.unit_id', '=', p.unitId)
      if (p.underPath) query = query.where(sql<boolean>`u.path <@ ${p.underPath}::ltree`)
      if (p.scopePath) query = query.where(sql<boolean>`u.path <@ ${p.scopePath}::ltree`)
      if (p.kinds?.length) query = query.where('u.kind', 'in', p.kinds)
      if (p.result) query = query.where('c.result', '=', p.result)
      if (p.legalBasis) query = query.where('c.legal_basis', '=', p.legalBasis)
      if (p.movementRating)
        query = query.where('c.movement_rating', '=', p.movementRating as 'weak')
      if (p.status === 'active') query = query.where('c.withdrawn_at', 'is', null)
      if (p.status === 'withdrawn') query = query.where('c.withdrawn_at', 'is not', null)
      if (p.after) {
        const [year, code, id] = p.after
        query = query.where(sql<boolean>`(c.year, u.code, c.id) > (${year}, ${code}, ${id}::uuid)`)
      }
      return query
        .orderBy('c.year')
        .orderBy('u.code')
        .orderBy('c.id')
        .limit(p.limit + 1)
        .execute()
    },
  }
}

export type CertificationsRepository = ReturnType<typeof createCertificationsRepository>
