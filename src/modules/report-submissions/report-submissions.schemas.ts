import Type, { type Static, type TSchema } from 'typebox'
import { Page, PaginationQuery } from '../../http/pagination.js'
import { SummarySchema } from '../reports/index.js'
import { UnitSummarySchema } from '../units/index.js'

export const SUBMISSION_STATUSES = ['submitted', 'accepted', 'returned', 'reopened'] as const
export const COMPLETENESS_STATUSES = ['missing', ...SUBMISSION_STATUSES] as const

const Year = Type.Integer({ minimum: 1990, maximum: 2100 })
const UnitRef = (description: string) => Type.String({ minLength: 1, maxLength: 64, description })
/** An object schema that may be null instead. */
const NullableObject = <T extends TSchema>(schema: T, description: string) =>
  Type.Unsafe<Static<T> | null>({ ...schema, type: ['object', 'null'], description })

const PersonSchema = Type.Object({
  keyId: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    format: 'uuid',
    description: 'The API key; null for the bootstrap ADMIN_API_KEY.',
  }),
  name: Type.String(),
})

export const SubmissionStepSchema = Type.Object(
  {
    action: Type.Enum(['submit', 'accept', 'return', 'reopen']),
    at: Type.String({ format: 'date-time' }),
    by: PersonSchema,
    reason: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
  },
  { title: 'SubmissionStep' },
)

export const ChangedFigureSchema = Type.Object(
  {
    path: Type.String({ description: 'The figure, e.g. `certifications.hamlet.certified`.' }),
    submitted: Type.Unknown({ description: 'Its value in the snapshot.' }),
    now: Type.Unknown({ description: 'Its live value.' }),
  },
  { title: 'ChangedFigure' },
)

const SubmissionFields = {
  id: Type.String({ format: 'uuid' }),
  unit: UnitSummarySchema,
  year: Type.Integer(),
  version: Type.Integer({
    minimum: 1,
    description:
      'The report’s version for this unit and year: 1, then one more after each return or reopen.',
  }),
  status: Type.Enum([...SUBMISSION_STATUSES]),
  recipient: NullableObject(
    UnitSummarySchema,
    'The level above as the hierarchy stood on 31 December of the year (district or province); null for a province.',
  ),
  submittedAt: Type.String({ format: 'date-time' }),
  submittedBy: Type.Object({ name: Type.String() }),
  deadline: Type.String({ format: 'date', description: 'By the unit’s level (REPORT_DEADLINES).' }),
  onTime: Type.Boolean({ description: 'Submitted on or before the deadline, in Vietnam time.' }),
  note: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
  snapshotSha256: Type.String({
    pattern: '^[0-9a-f]{64}$',
    description: 'SHA-256 (hex) of the snapshot’s canonical JSON (RFC 8785).',
  }),
  decidedAt: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date-time' }),
  decidedBy: Type.Unsafe<{ name: string } | null>({
    type: ['object', 'null'],
    properties: { name: { type: 'string' } },
    required: ['name'],
  }),
  reason: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    description: 'Why it was last returned or reopened.',
  }),
  history: Type.Array(SubmissionStepSchema),
  updatedAt: Type.String({ format: 'date-time' }),
}

/** A submission in lists, the feed and webhooks: without its snapshot. */
export const SubmissionListItemSchema = Type.Object(SubmissionFields, {
  title: 'ReportSubmissionListItem',
})

export const SubmissionSchema = Type.Object(
  {
    ...SubmissionFields,
    snapshot: SummarySchema,
    changedSinceSubmission: Type.Array(ChangedFigureSchema, {
      description:
        'Each figure whose live value now differs from the snapshot (empty when nothing moved).',
    }),
  },
  { title: 'ReportSubmission' },
)

export const CreateSubmissionBody = Type.Object(
  {
    unitRef: UnitRef('The reporting unit: id, or code resolved as of 31 December of the year.'),
    year: Year,
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false, title: 'CreateReportSubmission' },
)

export const ReasonBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false, title: 'TransitionReason' },
)

export const AcceptBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false, title: 'AcceptReportSubmission' },
)

export const SubmissionIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const SubmissionShowQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Enum(['json', 'pdf'], {
        description:
          'Overrides the Accept header (for links); `pdf`: the report as sent, printable.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const SubmissionListQuery = Type.Object(
  {
    ...PaginationQuery,
    year: Type.Optional(Year),
    under: Type.Optional(
      UnitRef(
        'Submissions of this unit or below it (a code resolves as of 31 December of `year`, else today).',
      ),
    ),
    unit: Type.Optional(UnitRef('Submissions of this unit only (every version).')),
    recipient: Type.Optional(UnitRef('Submissions sent to this unit.')),
    status: Type.Optional(Type.Enum([...SUBMISSION_STATUSES])),
  },
  { additionalProperties: false },
)

export const CompletenessQuery = Type.Object(
  {
    unit: Type.Optional(
      UnitRef(
        'The recipient; omitted: the whole country (its provinces). A code resolves as of 31 December.',
      ),
    ),
    year: Year,
  },
  { additionalProperties: false },
)

export const CompletenessSchema = Type.Object(
  {
    unit: NullableObject(UnitSummarySchema, 'The recipient; null: the country.'),
    year: Type.Integer(),
    items: Type.Array(
      Type.Object({
        unit: UnitSummarySchema,
        status: Type.Enum([...COMPLETENESS_STATUSES]),
        submissionId: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'uuid' }),
        version: Type.Unsafe<number | null>({ type: ['integer', 'null'] }),
        submittedAt: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date-time' }),
        onTime: Type.Unsafe<boolean | null>({
          type: ['boolean', 'null'],
          description: 'Null while missing.',
        }),
        deadline: Type.String({ format: 'date' }),
      }),
    ),
    counts: Type.Object(
      Object.fromEntries(COMPLETENESS_STATUSES.map((s) => [s, Type.Integer()])) as Record<
        (typeof COMPLETENESS_STATUSES)[number],
        ReturnType<typeof Type.Integer>
      >,
    ),
    onTimeRate: Type.Unsafe<number | null>({
      type: ['number', 'null'],
      description: 'Units that reported on time over units expected to report (null: none).',
    }),
  },
  { title: 'ReportCompleteness' },
)

export const SubmissionPage = Page(SubmissionListItemSchema, 'ReportSubmissionPage')
export type Submission = Static<typeof SubmissionSchema>
export type SubmissionListItem = Static<typeof SubmissionListItemSchema>
export type CreateSubmission = Static<typeof CreateSubmissionBody>
export type Completeness = Static<typeof CompletenessSchema>
