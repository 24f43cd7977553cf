import Type, { type Static } from 'typebox'
import { AsOf } from '../../http/as-of.js'
import { NullableCount, NullableString } from '../../http/nullable.js'
import { Page, PaginationQuery } from '../../http/pagination.js'
import { UnitSummarySchema } from '../units/index.js'

export const FORMATS = ['forum', 'consultation'] as const

const FormatSchema = Type.Enum([...FORMATS], {
  description:
    '`forum`: "police listen to the people" (hội nghị Công an lắng nghe ý kiến nhân dân), at a hamlet or commune-level unit. `consultation`: of departments, organisations and businesses (lấy ý kiến các ban, ngành, đoàn thể), at any administrative unit.',
})
const Count = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 10_000_000, description })
const OptionalCount = (description: string) =>
  Type.Optional(
    Type.Unsafe<number | null>({
      type: ['integer', 'null'],
      minimum: 0,
      maximum: 10_000_000,
      description: `${description} Null or omitted: not recorded.`,
    }),
  )

/** The measures of a meeting; forms and opinions are independent (neither bounds the other). */
const measures = {
  attendees: Count('People attending (lượt người dự).'),
  formsDistributed: OptionalCount('Forms handed out (phiếu phát ra).'),
  formsReturned: OptionalCount('Forms returned.'),
  opinionsReceived: OptionalCount('Opinions received (ý kiến).'),
  opinionsAnsweredOnSite: OptionalCount('Opinions answered at the meeting.'),
  opinionsReferred: OptionalCount('Opinions referred on and answered later in writing.'),
  tipsReceived: OptionalCount('Tips about crime received.'),
}
const HeldOn = Type.String({
  format: 'date',
  description: 'The day it was held; not in the future.',
})
const UnitRef = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Unit id, or code resolved as of heldOn.',
})
const Note = Type.Optional(NullableString({ maxLength: 2000 }))

export const MeetingSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    unit: UnitSummarySchema,
    format: FormatSchema,
    heldOn: HeldOn,
    attendees: measures.attendees,
    formsDistributed: NullableCount('Forms handed out.'),
    formsReturned: NullableCount('Forms returned.'),
    opinionsReceived: NullableCount('Opinions received.'),
    opinionsAnsweredOnSite: NullableCount('Opinions answered at the meeting.'),
    opinionsReferred: NullableCount('Opinions referred and answered later.'),
    tipsReceived: NullableCount('Tips received.'),
    source: Type.String({ description: 'The system that sent it (the API key’s source).' }),
    externalId: NullableString({ description: 'Its id in the source system.' }),
    note: NullableString(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Meeting' },
)

export const CreateMeetingBody = Type.Object(
  {
    unitRef: UnitRef,
    format: FormatSchema,
    heldOn: HeldOn,
    ...measures,
    externalId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'Its id in the sending system; unique per source: a repeat answers 409 with the existing meeting’s Location.',
      }),
    ),
    note: Note,
  },
  { additionalProperties: false, title: 'CreateMeeting' },
)

export const PatchMeetingBody = Type.Object(
  {
    unitRef: Type.Optional(UnitRef),
    format: Type.Optional(FormatSchema),
    heldOn: Type.Optional(HeldOn),
    attendees: Type.Optional(measures.attendees),
    formsDistributed: measures.formsDistributed,
    formsReturned: measures.formsReturned,
    opinionsReceived: measures.opinionsReceived,
    opinionsAnsweredOnSite: measures.opinionsAnsweredOnSite,
    opinionsReferred: measures.opinionsReferred,
    tipsReceived: measures.tipsReceived,
    note: Note,
  },
  { additionalProperties: false, minProperties: 1, title: 'PatchMeeting' },
)

export const MeetingIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const MeetingListQuery = Type.Object(
  {
    ...PaginationQuery,
    under: Type.Optional({
      ...UnitRef,
      description: 'Meetings held in this unit’s subtree (or at it).',
    }),
    unit: Type.Optional({ ...UnitRef, description: 'Meetings held at this unit.' }),
    asOf: AsOf('Date `under` and `unit` codes resolve at (default `to`, else today).'),
    from: Type.Optional(Type.String({ format: 'date', description: 'Held on or after.' })),
    to: Type.Optional(Type.String({ format: 'date', description: 'Held on or before.' })),
    format: Type.Optional(FormatSchema),
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)

export const MeetingPage = Page(MeetingSchema, 'MeetingPage')

export type Meeting = Static<typeof MeetingSchema>
export type CreateMeeting = Static<typeof CreateMeetingBody>
export type PatchMeeting = Static<typeof PatchMeetingBody>
