import Type, { type Static } from 'typebox'
import { CodeSchema, DateSchema, KindSchema, UnitRefSchema, UnitSchema } from './units.schemas.js'

export const CHANGE_TYPES = ['merge', 'split', 'rename', 'reclassify', 'reparent'] as const
const Coverage = Type.Enum(['full', 'partial'], {
  description: '`partial`: only part of the old unit went into the new one.',
})

const FromItem = Type.Union([
  UnitRefSchema,
  Type.Object(
    { ref: UnitRefSchema, coverage: Type.Optional(Coverage) },
    { additionalProperties: false },
  ),
])

const NewVersion = Type.Object(
  {
    code: Type.Optional(CodeSchema),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    kind: Type.Optional(KindSchema),
    parentId: Type.Optional(Type.String({ format: 'uuid' })),
    parentCode: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'Resolved as of effectiveDate.' }),
    ),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  {
    additionalProperties: false,
    description:
      'A new unit valid from effectiveDate. With one `from` unit, omitted fields are copied from it.',
  },
)

export const UnitChangeBody = Type.Object(
  {
    type: Type.Enum([...CHANGE_TYPES]),
    effectiveDate: {
      ...DateSchema,
      description: 'First day of the new units; the old ones close the day before.',
    },
    legalBasis: Type.String({
      minLength: 1,
      maxLength: 300,
      examples: ['Nghị quyết 1654/NQ-UBTVQH15'],
    }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    from: Type.Array(FromItem, {
      minItems: 1,
      maxItems: 500,
      description: 'Units closing, as refs resolved the day before effectiveDate.',
    }),
    to: Type.Array(Type.Union([UnitRefSchema, NewVersion]), {
      minItems: 1,
      maxItems: 100,
      description:
        'New units (objects) or existing units (refs, resolved on effectiveDate) that take over.',
    }),
    children: Type.Enum(['recreate', 'close'], {
      default: 'recreate',
      description:
        '`recreate`: children still valid move, as new versions, under the single successor; `close`: they close too.',
    }),
  },
  { additionalProperties: false, title: 'UnitChange' },
)

const LineageLink = Type.Object({
  predecessorId: Type.String({ format: 'uuid' }),
  predecessorCode: Type.String(),
  successorId: Type.String({ format: 'uuid' }),
  successorCode: Type.String(),
  coverage: Coverage,
})

export const UnitChangeResultSchema = Type.Object(
  {
    id: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      format: 'uuid',
      description: 'null on a dry run.',
    }),
    type: Type.Enum([...CHANGE_TYPES]),
    effectiveDate: Type.String({ format: 'date' }),
    legalBasis: Type.String(),
    dryRun: Type.Boolean(),
    closed: Type.Array(UnitSchema, {
      description: 'Units closed the day before effectiveDate (their state after closing).',
    }),
    created: Type.Array(UnitSchema),
    lineage: Type.Array(LineageLink),
  },
  { title: 'UnitChangeResult' },
)

export const DryRunQuery = Type.Object(
  {
    dryRun: Type.Boolean({
      default: false,
      description: 'Report what would change; change nothing.',
    }),
  },
  { additionalProperties: false },
)

const LineageEntry = Type.Object({
  unit: UnitSchema,
  coverage: Coverage,
  depth: Type.Integer({
    minimum: 1,
    description: '1: directly; 2: through one intermediate unit; …',
  }),
  changeType: Type.Enum([...CHANGE_TYPES]),
  effectiveDate: Type.String({ format: 'date' }),
  legalBasis: Type.String(),
})

export const LineageSchema = Type.Object(
  {
    unit: UnitSchema,
    predecessors: Type.Array(LineageEntry),
    successors: Type.Array(LineageEntry),
  },
  { title: 'Lineage' },
)

export type UnitChange = Static<typeof UnitChangeBody>
export type UnitChangeResult = Static<typeof UnitChangeResultSchema>
export type Lineage = Static<typeof LineageSchema>
