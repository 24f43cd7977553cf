import Type, { type Static } from 'typebox'
import { AsOf, AsOfQuery, PathUnitRef } from '../../http/as-of.js'
import { NullableString } from '../../http/nullable.js'
import { Page, PaginationQuery } from '../../http/pagination.js'
import { UnitSummarySchema } from '../units/index.js'
import { PERIOD_PATTERN } from './reeducation.periods.js'

export const CATEGORIES = [
  'public_disorder',
  'illegal_lottery',
  'cockfighting',
  'gambling',
  'reckless_riding',
  'theft',
  'drugs',
  'other',
] as const
export const ORGANISATIONS = [
  'commune_police',
  'fatherland_front',
  'womens_union',
  'veterans_association',
  'farmers_association',
  'youth_union',
  'other',
] as const

const Count = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 10_000_000, description })
const Breakdown = (description: string, suggested: readonly string[]) =>
  Type.Unsafe<Record<string, number> | null>({
    type: ['object', 'null'],
    propertyNames: { pattern: '^[a-z][a-z0-9_]{0,39}$' },
    additionalProperties: { type: 'integer', minimum: 0, maximum: 10_000_000 },
    maxProperties: 50,
    description: `${description} Keys are snake_case names, stored as given; the usual ones: ${suggested.map((s) => `\`${s}\``).join(', ')}.`,
  })

const counts = {
  reEducated: Count('People re-educated in the community (cảm hóa, giáo dục).'),
  reformed: Count('Of those, who became law-abiding (trở thành người tốt).'),
  underManagement: Count('Put under management (đưa vào diện quản lý).'),
}
const byCategory = Breakdown('Re-educated people by behaviour group.', CATEGORIES)
const byOrganisation = Breakdown('Re-educated people by responsible organisation.', ORGANISATIONS)

export const WarningSchema = Type.Object({
  code: Type.String(),
  pointer: Type.String(),
  detail: Type.String(),
})

export const ReeducationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    unit: UnitSummarySchema,
    period: Type.String({ examples: ['2018', '2018S1', '2018Q3', '201810'] }),
    periodType: Type.Enum(['year', 'half', 'quarter', 'month']),
    startsOn: Type.String({ format: 'date' }),
    endsOn: Type.String({ format: 'date' }),
    ...counts,
    byCategory,
    byOrganisation,
    note: NullableString(),
    warnings: Type.Array(WarningSchema, {
      description:
        'Figures that do not add up (a breakdown whose sum differs from reEducated, outcomes above reEducated). Kept as given: how the counts relate is not fixed by law.',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'ReeducationCount' },
)

export const PutReeducationBody = Type.Object(
  {
    ...counts,
    byCategory: Type.Optional(byCategory),
    byOrganisation: Type.Optional(byOrganisation),
    note: Type.Optional(NullableString({ maxLength: 2000 })),
  },
  {
    additionalProperties: false,
    title: 'PutReeducationCount',
    description:
      'Counts only, never people. The whole record: omitted optional fields become null.',
  },
)

export const PeriodSchema = Type.String({
  pattern: PERIOD_PATTERN,
  description: 'A year `2018`, half `2018S1`, quarter `2018Q3` or month `201810`.',
})

export const ReeducationParams = Type.Object({ ref: PathUnitRef, period: PeriodSchema })

export const ReeducationAsOfQuery = AsOfQuery(
  'Date a code in the path resolves at (default the period’s last day).',
)

export const ReeducationListQuery = Type.Object(
  {
    ...PaginationQuery,
    under: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A subtree.' })),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'One unit.' })),
    period: Type.Optional(PeriodSchema),
    year: Type.Optional(
      Type.Integer({ minimum: 1990, maximum: 2100, description: 'Every period within the year.' }),
    ),
    periodType: Type.Optional(Type.Enum(['year', 'half', 'quarter', 'month'])),
    asOf: AsOf(
      'Date `under` and `unit` codes resolve at (default the end of `period` or `year`, else today).',
    ),
  },
  { additionalProperties: false },
)

export const ReeducationPage = Page(ReeducationSchema, 'ReeducationCountPage')

export type Reeducation = Static<typeof ReeducationSchema>
export type PutReeducation = Static<typeof PutReeducationBody>
export type Warning = Static<typeof WarningSchema>
