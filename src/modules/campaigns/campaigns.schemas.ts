import Type, { type Static } from 'typebox'
import { Page, PaginationQuery } from '../../http/pagination.js'
import { KIND_GROUPS, METRICS, OPS, TargetResultSchema } from '../reports/index.js'
import { UnitSummarySchema } from '../units/index.js'

export const TargetSchema = Type.Object(
  {
    metric: Type.Enum(Object.keys(METRICS) as (keyof typeof METRICS)[], {
      description: Object.entries(METRICS)
        .map(([metric, meaning]) => `\`${metric}\`: ${meaning}`)
        .join('; '),
    }),
    kinds: Type.Optional(
      Type.Array(Type.Enum([...KIND_GROUPS]), {
        minItems: 1,
        uniqueItems: true,
        description: 'Kind groups a certification metric covers.',
      }),
    ),
    op: Type.Enum([...OPS]),
    value: Type.Number({ minimum: 0, description: 'A rate is 0..1.' }),
  },
  { additionalProperties: false },
)

/** A target as campaigns show it: `kinds` is null when the target covers every kind group. */
export const TargetOutSchema = Type.Object({
  metric: TargetSchema.properties.metric,
  kinds: Type.Unsafe<(typeof KIND_GROUPS)[number][] | null>({
    type: ['array', 'null'],
    items: { type: 'string', enum: [...KIND_GROUPS] },
    description: 'Kind groups a certification metric covers; null: all of them.',
  }),
  op: TargetSchema.properties.op,
  value: TargetSchema.properties.value,
})

const CodeSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })

export const CampaignSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    code: CodeSchema,
    name: Type.String(),
    year: Type.Integer(),
    scope: UnitSummarySchema,
    targets: Type.Array(TargetOutSchema),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Campaign' },
)

export const CreateCampaignBody = Type.Object(
  {
    code: CodeSchema,
    name: Type.String({ minLength: 1, maxLength: 300 }),
    year: Type.Integer({ minimum: 1990, maximum: 2100 }),
    scopeRef: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Unit id, or code resolved as of 31 December of the year.',
    }),
    targets: Type.Array(TargetSchema, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false, title: 'CreateCampaign' },
)

export const PatchCampaignBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    targets: Type.Optional(Type.Array(TargetSchema, { minItems: 1, maxItems: 50 })),
  },
  { additionalProperties: false, minProperties: 1, title: 'PatchCampaign' },
)

export const CampaignCodeParams = Type.Object({ code: CodeSchema })

export const CampaignListQuery = Type.Object(
  {
    ...PaginationQuery,
    year: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100 })),
    under: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'Campaigns whose scope is this unit or below it (a code resolves as of 31 December of `year`, else today).',
      }),
    ),
  },
  { additionalProperties: false },
)

export const ProgressSchema = Type.Object(
  {
    campaign: Type.Object({ code: Type.String(), name: Type.String(), year: Type.Integer() }),
    scope: UnitSummarySchema,
    targets: Type.Array(TargetResultSchema),
  },
  { title: 'CampaignProgress' },
)

export const CampaignPage = Page(CampaignSchema, 'CampaignPage')
export type Campaign = Static<typeof CampaignSchema>
export type CreateCampaign = Static<typeof CreateCampaignBody>
export type PatchCampaign = Static<typeof PatchCampaignBody>
