import Type, { type Static } from 'typebox'
import { NullableDate, NullableString } from '../../http/nullable.js'
import { Page, PaginationQuery } from '../../http/pagination.js'
import { UNIT_KINDS } from './units.kinds.js'

export const KindSchema = Type.Enum([...UNIT_KINDS])
export const CodeSchema = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$',
  description:
    'Official code (strings with leading zeros: province 2 digits, district 3, commune 5) or a local code.',
  examples: ['30628'],
})
export const UnitRefSchema = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'A unit id (UUID) or code; a code resolves as of the date in question.',
})
export const DateSchema = Type.String({ format: 'date', description: 'YYYY-MM-DD' })
const NameSchema = Type.String({ minLength: 1, maxLength: 300 })
const AttributesSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Free JSON, e.g. a school’s level or a business’s size.',
})

export const UnitSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    code: Type.String(),
    name: Type.String(),
    kind: KindSchema,
    parentId: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'uuid' }),
    parentCode: NullableString({ description: 'The parent’s code.' }),
    path: Type.String({
      description: 'Codes from the root down to this unit, joined by `/`.',
      examples: ['89/893/30628'],
    }),
    validFrom: NullableDate('First day of validity (inclusive); null: since before records began.'),
    validTo: NullableDate('Last day of validity (inclusive); null: still valid.'),
    attributes: AttributesSchema,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Unit' },
)

export const NewUnitFields = {
  code: CodeSchema,
  name: NameSchema,
  kind: KindSchema,
  parentId: Type.Optional(Type.String({ format: 'uuid' })),
  parentCode: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Resolved as of validFrom (or today).',
    }),
  ),
  validFrom: Type.Optional(NullableDate('Default: open (null).')),
  validTo: Type.Optional(NullableDate('Default: open (null).')),
  attributes: Type.Optional(AttributesSchema),
}

export const CreateUnitBody = Type.Object(NewUnitFields, {
  additionalProperties: false,
  title: 'CreateUnit',
})

export const PatchUnitBody = Type.Object(
  {
    name: Type.Optional(NameSchema),
    validFrom: Type.Optional(NullableDate('Corrects the first day.')),
    validTo: Type.Optional(NullableDate('Set to close the unit; null reopens it.')),
    attributes: Type.Optional(AttributesSchema),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'PatchUnit',
    description:
      'Corrections. A change of code, kind or parent is a reorganisation: POST /v1/unit-changes.',
  },
)

export const AsOfQuery = Type.Object(
  {
    asOf: Type.Optional({
      ...DateSchema,
      description: 'Date at which a code in the path resolves (default today).',
    }),
  },
  { additionalProperties: false },
)

export const UnitRefParams = Type.Object({ ref: UnitRefSchema })

export const UnitListQuery = Type.Object(
  {
    ...PaginationQuery,
    kind: Type.Optional(
      Type.String({
        pattern: `^(${UNIT_KINDS.join('|')})(,(${UNIT_KINDS.join('|')}))*$`,
        description: 'Comma-separated kinds.',
      }),
    ),
    parent: Type.Optional({ ...UnitRefSchema, description: 'Direct children of this unit.' }),
    under: Type.Optional({ ...UnitRefSchema, description: 'The whole subtree below this unit.' }),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'Name or code, ignoring case and diacritics (`cho moi` finds Chợ Mới); ranked by similarity.',
      }),
    ),
    asOf: Type.Optional({
      ...DateSchema,
      description: 'Only units valid on this day (default today); also the date refs resolve at.',
    }),
    includeClosed: Type.Boolean({
      default: false,
      description: 'Every version regardless of asOf.',
    }),
  },
  { additionalProperties: false },
)

export const ChildrenQuery = Type.Object(
  { ...PaginationQuery, asOf: Type.Optional(DateSchema), kind: UnitListQuery.properties.kind },
  { additionalProperties: false },
)

export const UnitPage = Page(UnitSchema, 'UnitPage')
export const UnitList = Type.Object({ items: Type.Array(UnitSchema) }, { title: 'UnitList' })

export type Unit = Static<typeof UnitSchema>
export type CreateUnit = Static<typeof CreateUnitBody>
export type PatchUnit = Static<typeof PatchUnitBody>
export type UnitListFilters = Static<typeof UnitListQuery>
