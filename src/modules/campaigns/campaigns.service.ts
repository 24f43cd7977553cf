// Campaigns: targets for a scope unit and year. Rates are 0..1; the scope must be valid that year.
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { cleanText } from '../../http/dates.js'
import { conflict, notFound, unprocessable } from '../../http/errors.js'
import { type ConditionalChange, type ConditionalRemoval, lockMatching } from '../../http/etag.js'
import type { Asking, Caller } from '../../http/caller.js'
import { recordAudit, removeMatching } from '../../records/index.js'
import type { Target } from '../reports/index.js'
import { type UnitsService, assertValidDuring } from '../units/index.js'
import { type CampaignRow, createCampaignsRepository } from './campaigns.repository.js'
import type { Campaign, CreateCampaign, PatchCampaign } from './campaigns.schemas.js'

export function toCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    year: row.year,
    scope: { id: row.scope_unit_id, code: row.unit_code, name: row.unit_name, kind: row.unit_kind },
    targets: (row.targets as Target[]).map((target) => ({
      metric: target.metric,
      kinds: target.kinds ?? null,
      op: target.op,
      value: target.value,
    })),
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
  const repository = createCampaignsRepository(db)

  async function find(code: string, caller: Caller | null, access: 'read' | 'write') {
    const missing = () => notFound(`No campaign ${code}.`, 'CAMPAIGN_NOT_FOUND')
    const row = await repository.findByCode(code)
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
      const row = await repository.insert(
        {
          code: body.code,
          name: cleanText(body.name),
          year: body.year,
          scope_unit_id: scope.id,
          targets: JSON.stringify(body.targets),
        },
        tx,
      )
      const campaign = toCampaign(row)
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'campaign',
        entityId: row.id,
        unitId: scope.id,
        after: campaign,
      })
      return campaign
    })
  }

  async function patch(
    { found, body, ifMatch }: ConditionalChange<CampaignRow, PatchCampaign>,
    { actor }: Asking,
  ) {
    if (body.targets) checkTargets(body.targets)
    return db.transaction().execute(async (tx) => {
      const current = await lockMatching(repository.lockById(found.id, tx), ifMatch, toCampaign, {
        required: true,
      })
      const campaign = toCampaign(
        await repository.update(
          current.id,
          {
            ...(body.name !== undefined ? { name: cleanText(body.name) } : {}),
            ...(body.targets !== undefined ? { targets: JSON.stringify(body.targets) } : {}),
          },
          tx,
        ),
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

  const remove = (removal: ConditionalRemoval<CampaignRow>, asking: Asking) =>
    removeMatching(
      db,
      {
        entity: 'campaign',
        lock: repository.lockById,
        delete: repository.delete,
        show: toCampaign,
        unitOf: (row) => row.scope_unit_id,
      },
      removal,
      asking,
    )

  async function list(p: {
    limit: number
    year?: number
    underPath?: string
    after?: string
    caller: Caller | null
  }) {
    return repository.list({ ...p, scopePath: await units.scopePathOf(p.caller) })
  }

  return { find, create, patch, remove, list }
}

export type CampaignsService = ReturnType<typeof createCampaignsService>
