import Type, { type Static } from 'typebox'
import { AsOf } from '../../http/as-of.js'
import { UnitSummarySchema } from '../units/index.js'

export const KIND_GROUPS = ['communeLevel', 'hamlet', 'agency', 'business', 'school'] as const
export type KindGroup = (typeof KIND_GROUPS)[number]

const Count = Type.Integer({ minimum: 0 })
const Rate = Type.Unsafe<number | null>({
  type: ['number', 'null'],
  minimum: 0,
  maximum: 1,
  description: 'certified / eligible, 4 decimals; null when nothing is eligible.',
})

export const GroupFiguresSchema = Type.Object({
  eligible: {
    ...Count,
    description:
      'Units of the group valid during the year (and assessable under that year’s basis).',
  },
  assessed: { ...Count, description: 'Of those, units with an assessment for the year.' },
  certified: Count,
  rate: Rate,
})

export const CertificationFiguresSchema = Type.Object({
  communeLevel: GroupFiguresSchema,
  hamlet: GroupFiguresSchema,
  agency: GroupFiguresSchema,
  business: GroupFiguresSchema,
  school: GroupFiguresSchema,
  weak: Type.Object(
    {
      communeLevel: Count,
      hamlet: Count,
      agency: Count,
      business: Count,
      school: Count,
    },
    { description: 'Units whose movement was rated weak (yếu kém) that year.' },
  ),
})

export const MeetingFiguresSchema = Type.Object(
  {
    forums: Count,
    hamletsCovered: { ...Count, description: 'Distinct hamlets that hosted a forum.' },
    consultations: Count,
    attendees: Count,
    formsDistributed: Count,
    formsReturned: Count,
    opinionsReceived: Count,
    opinionsAnsweredOnSite: Count,
    opinionsReferred: Count,
    tipsReceived: Count,
  },
  {
    description:
      'Meetings held during the year in the subtree, including those of units the unit fully succeeded during the year (a merger or rename on 1 July brings the first half).',
  },
)

export const ReeducationFiguresSchema = Type.Object(
  { reEducated: Count, reformed: Count, underManagement: Count },
  {
    description:
      'Per unit its yearly record, else the sum of its quarters (else halves, else months) of the year; never a year and its parts together. Like meetings, includes units the unit fully succeeded during the year.',
  },
)

export const TargetResultSchema = Type.Object({
  campaign: Type.String({ description: 'The campaign’s code.' }),
  metric: Type.String(),
  kinds: Type.Unsafe<string[] | null>({ type: ['array', 'null'], items: { type: 'string' } }),
  op: Type.String(),
  value: Type.Number(),
  actual: Type.Unsafe<number | null>({
    type: ['number', 'null'],
    description: 'null when it cannot be computed (a rate with nothing eligible).',
  }),
  met: Type.Unsafe<boolean | null>({ type: ['boolean', 'null'] }),
})

const Figures = {
  certifications: CertificationFiguresSchema,
  meetings: MeetingFiguresSchema,
  reeducation: ReeducationFiguresSchema,
}

/** The figures of one unit or group. */
const FiguresSchema = Type.Object(Figures)

export const LegalFloorSchema = Type.Unsafe<{
  basis: string
  eligible: number
  certified: number
  rate: number | null
  met: boolean | null
} | null>({
  type: ['object', 'null'],
  description:
    'Commune-level rows: whether at least 70% of the commune’s hamlets (from 2022: hamlets, agencies, businesses and schools) are certified, the legal floor for certifying a commune.',
  properties: {
    basis: { type: 'string' },
    eligible: { type: 'integer' },
    certified: { type: 'integer' },
    rate: { type: ['number', 'null'] },
    met: { type: ['boolean', 'null'] },
  },
  required: ['basis', 'eligible', 'certified', 'rate', 'met'],
})

const HierarchySchema = Type.Enum(['year', 'current'], {
  description:
    '`year`: the subtree as it stood that year. `current`: records of closed units rolled up into today’s units through lineage.',
})

const ReportUnitSchema = Type.Unsafe<Static<typeof UnitSummarySchema> | null>({
  ...UnitSummarySchema,
  type: ['object', 'null'],
  description: 'The unit reported on; null for the whole country.',
})

export const SummarySchema = Type.Object(
  {
    unit: ReportUnitSchema,
    year: Type.Integer(),
    hierarchy: HierarchySchema,
    ...Figures,
    targets: Type.Array(TargetResultSchema),
    notAttributable: Type.Unsafe<Static<typeof FiguresSchema> | null>({
      ...FiguresSchema,
      type: ['object', 'null'],
      description:
        'hierarchy=current only: figures of units split (partial lineage) into this subtree, which cannot be attributed to one of today’s units.',
    }),
  },
  { title: 'ReportSummary' },
)

export const BreakdownSchema = Type.Object(
  {
    unit: ReportUnitSchema,
    year: Type.Integer(),
    hierarchy: HierarchySchema,
    items: Type.Array(
      Type.Object({ unit: UnitSummarySchema, ...Figures, legalFloor: LegalFloorSchema }),
    ),
  },
  { title: 'ReportBreakdown' },
)

export const SummaryQuery = Type.Object(
  {
    unit: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'Unit id or code. Omitted: the whole country (for a scoped key, its scope unit); with groupBy=child, one item per province.',
      }),
    ),
    year: Type.Integer({ minimum: 1990, maximum: 2100 }),
    hierarchy: Type.Enum(['year', 'current'], { default: 'year' }),
    groupBy: Type.Optional(Type.Enum(['child'], { description: 'One item per child unit.' })),
    asOf: AsOf(
      'Date a code in `unit` resolves at (default 31 December of the year; today with hierarchy=current).',
    ),
    format: Type.Optional(
      Type.Enum(['json', 'csv', 'pdf'], {
        description: 'Overrides the Accept header (for links); `pdf`: a printable document.',
      }),
    ),
  },
  { additionalProperties: false },
)

export type Figures = Static<typeof FiguresSchema>
export type Summary = Static<typeof SummarySchema>
export type Breakdown = Static<typeof BreakdownSchema>
export type TargetResult = Static<typeof TargetResultSchema>
export type LegalFloor = Static<typeof LegalFloorSchema>
