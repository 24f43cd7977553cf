import Type, { type Static } from 'typebox'
import { AsOf, AsOfQuery, PathUnitRef } from '../../http/as-of.js'
import { NullableDate, NullableString } from '../../http/nullable.js'
import { Page, PaginationQuery } from '../../http/pagination.js'
import { UnitSummarySchema } from '../units/index.js'
import { ELIGIBLE_KINDS, LEGAL_BASES, LEGAL_BASIS_CODES } from './certifications.rules.js'

export const RESULTS = ['certified', 'not_certified'] as const
export const MOVEMENT_RATINGS = ['excellent', 'good', 'average', 'weak'] as const

const ResultSchema = Type.Enum([...RESULTS], {
  description: '`certified` (đạt) or `not_certified` (chưa đạt).',
})
const LEGAL_BASIS_DESCRIPTION = LEGAL_BASES.map((b) => `\`${b.code}\`: ${b.title}`).join('; ')
const LegalBasisSchema = Type.Enum([...LEGAL_BASIS_CODES], { description: LEGAL_BASIS_DESCRIPTION })
const RATING_DESCRIPTION =
  'The movement’s yearly classification: xuất sắc, khá, trung bình, yếu / yếu kém (`weak`).'
const RatingSchema = Type.Enum([...MOVEMENT_RATINGS], { description: RATING_DESCRIPTION })
export const YearSchema = Type.Integer({
  minimum: 1990,
  maximum: 2100,
  description: 'Assessment year.',
})
const Text = (maxLength: number, description: string) =>
  Type.Optional(NullableString({ maxLength, description }))

export const CertificationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    unit: UnitSummarySchema,
    year: YearSchema,
    result: ResultSchema,
    legalBasis: LegalBasisSchema,
    decisionNumber: NullableString({ description: 'Số quyết định công nhận.' }),
    decisionDate: NullableDate('Date of the decision.'),
    issuedBy: NullableString({ description: 'The body that issued the decision.' }),
    movementRating: Type.Unsafe<(typeof MOVEMENT_RATINGS)[number] | null>({
      type: ['string', 'null'],
      enum: [...MOVEMENT_RATINGS, null],
      description: RATING_DESCRIPTION,
    }),
    note: NullableString(),
    status: Type.Enum(['active', 'withdrawn'], {
      description: '`withdrawn` records are kept with their reason and count nowhere.',
    }),
    withdrawal: Type.Unsafe<{ at: string; reason: string } | null>({
      type: ['object', 'null'],
      properties: {
        at: { type: 'string', format: 'date-time' },
        reason: { type: 'string' },
      },
      required: ['at', 'reason'],
    }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Certification' },
)

export const PutCertificationBody = Type.Object(
  {
    result: ResultSchema,
    legalBasis: Type.Optional({
      ...LegalBasisSchema,
      description: `${LEGAL_BASIS_DESCRIPTION}. Default by year: up to 2021 the first, 2022–2024 the second, from 2025 the third.`,
    }),
    decisionNumber: Text(100, 'Số quyết định công nhận.'),
    decisionDate: Type.Optional(NullableDate('Not before the assessment year, not in the future.')),
    issuedBy: Text(300, 'The issuing body (the commune People’s Committee for its hamlets, …).'),
    movementRating: Type.Optional(
      Type.Unsafe<(typeof MOVEMENT_RATINGS)[number] | null>({
        type: ['string', 'null'],
        enum: [...MOVEMENT_RATINGS, null],
        description: RATING_DESCRIPTION,
      }),
    ),
    note: Text(2000, 'Free text.'),
  },
  {
    additionalProperties: false,
    title: 'PutCertification',
    description: 'The whole record: omitted optional fields become null.',
  },
)

export const CertificationParams = Type.Object({ ref: PathUnitRef, year: YearSchema })

export const CertificationAsOfQuery = AsOfQuery(
  'Date a code in the path resolves at (default 31 December of the year).',
)

export const WithdrawQuery = Type.Object(
  {
    ...CertificationAsOfQuery.properties,
    reason: Type.String({
      minLength: 3,
      maxLength: 1000,
      description: 'Why the record is withdrawn; kept with it and in the audit.',
    }),
  },
  { additionalProperties: false },
)

const list = (values: readonly string[]) => `^(${values.join('|')})(,(${values.join('|')}))*$`
export const CertificationListQuery = Type.Object(
  {
    ...PaginationQuery,
    year: Type.Optional(YearSchema),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'One unit.' })),
    under: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'A unit whose subtree to list.' }),
    ),
    asOf: AsOf(
      'Date `unit` and `under` codes resolve at (default 31 December of `year`, else today).',
    ),
    kind: Type.Optional(
      Type.String({ pattern: list(ELIGIBLE_KINDS), description: 'Comma-separated unit kinds.' }),
    ),
    result: Type.Optional(ResultSchema),
    legalBasis: Type.Optional(LegalBasisSchema),
    movementRating: Type.Optional(RatingSchema),
    status: Type.Enum(['active', 'withdrawn', 'all'], { default: 'active' }),
  },
  { additionalProperties: false },
)

export const CertificationPage = Page(CertificationSchema, 'CertificationPage')

export const LegalBasisList = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        code: LegalBasisSchema,
        title: Type.String(),
        firstYear: Type.Unsafe<number | null>({ type: ['integer', 'null'] }),
        lastYear: Type.Unsafe<number | null>({ type: ['integer', 'null'] }),
      }),
    ),
  },
  { title: 'LegalBasisList' },
)

export type Certification = Static<typeof CertificationSchema>
export type PutCertification = Static<typeof PutCertificationBody>
export type CertificationListFilters = Static<typeof CertificationListQuery>
