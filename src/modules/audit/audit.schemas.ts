import Type, { type Static } from 'typebox'
import { AsOf } from '../../http/as-of.js'
import { Page, PaginationQuery } from '../../http/pagination.js'

export const AUDIT_ACTIONS = [
  'create',
  'update',
  'delete',
  'revoke',
  'apply',
  'withdraw',
  'submit',
  'accept',
  'return',
  'reopen',
] as const
export const AUDIT_ENTITIES = [
  'api-key',
  'unit',
  'unit-change',
  'unit-import',
  'certification',
  'meeting',
  'reeducation',
  'campaign',
  'import',
  'report-submission',
  'webhook',
] as const
export type AuditEntity = (typeof AUDIT_ENTITIES)[number]

export const AuditEventSchema = Type.Object(
  {
    id: Type.Integer({ description: 'Increasing: events are listed in the order they happened.' }),
    occurredAt: Type.String({ format: 'date-time' }),
    actor: Type.Object({
      keyId: Type.Unsafe<string | null>({
        type: ['string', 'null'],
        format: 'uuid',
        description: 'The API key; null for the bootstrap ADMIN_API_KEY.',
      }),
      name: Type.String(),
    }),
    action: Type.Enum([...AUDIT_ACTIONS]),
    entity: Type.String({ description: AUDIT_ENTITIES.join(', ') }),
    entityId: Type.String(),
    unitId: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'uuid' }),
    before: Type.Unknown({ description: 'The record before the change; null on create.' }),
    after: Type.Unknown({ description: 'The record after the change; null on delete.' }),
    requestId: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
    importId: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      format: 'uuid',
      description: 'The bulk import the change came from (`GET /v1/imports/{id}`), if any.',
    }),
  },
  { title: 'AuditEvent' },
)

export const AuditEventListQuery = Type.Object(
  {
    ...PaginationQuery,
    entity: Type.Optional(Type.Enum([...AUDIT_ENTITIES])),
    entityId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    action: Type.Optional(Type.Enum([...AUDIT_ACTIONS])),
    unit: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Events about this unit or any unit below it.',
      }),
    ),
    asOf: AsOf('Date a `unit` code resolves at (default today).'),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'At or after.' })),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'Before.' })),
  },
  { additionalProperties: false },
)

export const AuditEventPage = Page(AuditEventSchema, 'AuditEventPage')
export type AuditEvent = Static<typeof AuditEventSchema>
