// Campaigns: targets for a scope unit and year. Rates are 0..1; the scope must be valid that year.
import { type Kysely, type Selectable, sql } from 'kysely'
import type { CampaignsTable, DB, UnitKind } from '../../db/schema.js'
import { cleanText } from '../../http/dates.js'
import { conflict, notFound, unprocessable } from '../../http/errors.js'
import { type ConditionalChange, type ConditionalRemoval, lockMatching } from '../../http/etag.js'
import type { Asking, Caller } from '../../http/caller.js'
import { recordAudit } from '../audit/index.js'
import type { Target } from '../reports/index.js'
import { type UnitsService, assertValidDuring } from '../units/index.js'
import type { Campaign, CreateCampaign, PatchCampaign } from './campaigns.schemas.js'

type CampaignRow = Selectable<CampaignsTable> & {
  unit_code: string
  unit_name: string
  unit_kind: UnitKind
  unit_path: string
}

export function toCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    year: row.year,
    scope: { id: row.scope_unit_id, code: row.unit_code, name: row.unit_name, kind: row.unit_kind },
    targets: row.targets as Target[],
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

function checkTargets(targets: Target[]) {
  targets.forEach((target, i) => {
    if (target.metric === 'certifiedRate' && target.value > 1) {
      const detail = 'A rate target is between 0 and 1 (0.8 for 80%).'
      throw unprocessable('RATE_OUT_OF_RANGE', detail, [
        { pointer: `/targets/${i}/value`, code: 'RATE_OUT_OF_RANGE', detail },
      ])
    }
  })
}

export function createCampaignsService(db: Kysely<DB>, units: UnitsService) {
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

  async function find(code: string, caller: Caller | null, access: 'read' | 'write') {
    const missing = () => notFound(`No campaign ${code}.`, 'CAMPAIGN_NOT_FOUND')
    const row = await withUnit(db).where('c.code', '=', code).executeTakeFirst()
    if (!row) throw missing()
    await units.assertInScope(row.unit_path, caller, access, `Campaign ${code}`, missing)
    return row
  }

  async function create(body: CreateCampaign, { caller, actor }: Asking) {
    checkTargets(body.targets)
    return db.transaction().execute(async (tx) => {
      const scope = await units.resolve(body.scopeRef, `${body.year}-12-31`, caller, 'write', tx)
      assertValidDuring(
        scope,
        `${body.year}-01-01`,
        `${body.year}-12-31`,
        '/scopeRef',
        String(body.year),
      )
      const taken = await tx
        .selectFrom('campaigns')
        .select('id')
        .where('code', '=', body.code)
        .executeTakeFirst()
      if (taken)
        throw conflict('CAMPAIGN_CODE_TAKEN', `Campaign code ${body.code} is taken.`, {
          location: `/v1/campaigns/${body.code}`,
        })
      const { id } = await tx
        .insertInto('campaigns')
        .values({
          code: body.code,
          name: cleanText(body.name),
          year: body.year,
          scope_unit_id: scope.id,
          targets: JSON.stringify(body.targets),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const campaign = toCampaign(
        await withUnit(tx).where('c.id', '=', id).executeTakeFirstOrThrow(),
      )
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'campaign',
        entityId: id,
        unitId: scope.id,
        after: campaign,
      })
      return campaign
    })
  }

  /** The campaign, locked until the transaction ends. */
  const lockById = (tx: Kysely<DB>, id: string) =>
    withUnit(tx).where('c.id', '=', id).forUpdate('c').executeTakeFirst()

  async function patch(
    { found, body, ifMatch }: ConditionalChange<CampaignRow, PatchCampaign>,
    { actor }: Asking,
  ) {
    if (body.targets) checkTargets(body.targets)
    return db.transaction().execute(async (tx) => {
      const current = await lockMatching(lockById(tx, found.id), ifMatch, toCampaign, {
        required: true,
      })
      await tx
        .updateTable('campaigns')
        .set({
          ...(body.name !== undefined ? { name: cleanText(body.name) } : {}),
          ...(body.targets !== undefined ? { targets: JSON.stringify(body.targets) } : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', current.id)
        .execute()
      const campaign = toCampaign(
        await withUnit(tx).where('c.id', '=', current.id).executeTakeFirstOrThrow(),
      )
      await recordAudit(tx, actor, {
        action: 'update',
        entity: 'campaign',
        entityId: current.id,
        unitId: current.scope_unit_id,
        before: toCampaign(current),
        after: campaign,
      })
      return campaign
    })
  }

  async function remove({ found, ifMatch }: ConditionalRemoval<CampaignRow>, { actor }: Asking) {
    await db.transaction().execute(async (tx) => {
      const current = await lockMatching(lockById(tx, found.id), ifMatch, toCampaign)
      await tx.deleteFrom('campaigns').where('id', '=', current.id).execute()
      await recordAudit(tx, actor, {
        action: 'delete',
        entity: 'campaign',
        entityId: current.id,
        unitId: current.scope_unit_id,
        before: toCampaign(current),
      })
    })
  }

  async function list(p: {
    limit: number
    year?: number
    underPath?: string
    after?: string
    caller: Caller | null
  }) {
    const scopePath = await units.scopePathOf(p.caller)
    let query = withUnit(db)
    if (p.year !== undefined) query = query.where('c.year', '=', p.year)
    if (p.underPath) query = query.where(sql<boolean>`u.path <@ ${p.underPath}::ltree`)
    if (scopePath) query = query.where(sql<boolean>`u.path <@ ${scopePath}::ltree`)
    if (p.after) query = query.where('c.code', '>', p.after)
    return query
      .orderBy('c.code')
      .limit(p.limit + 1)
      .execute()
  }

  return { find, create, patch, remove, list }
}
