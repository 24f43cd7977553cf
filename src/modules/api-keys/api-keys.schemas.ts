import Type, { type Static } from 'typebox'
import { Page, PaginationQuery } from '../../http/pagination.js'

import { ROLES } from '../../http/caller.js'
import { UnitSummarySchema } from '../units/index.js'

export const RoleSchema = Type.Enum([...ROLES], {
  description:
    '`viewer` reads; `editor` also writes records and units in its scope; `admin` also manages keys and reorganisations.',
})

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    role: RoleSchema,
    scope: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      format: 'uuid',
      deprecated: true,
      description:
        'Deprecated: `scopeUnit.id`. The unit whose subtree the key is confined to; null for all.',
    }),
    scopeUnit: Type.Unsafe<Static<typeof UnitSummarySchema> | null>({
      ...UnitSummarySchema,
      type: ['object', 'null'],
      description:
        'The unit whose subtree the key is confined to (as campaigns show their scope); null for all.',
    }),
    source: Type.String({
      description:
        'The system this key sends records for: a meeting’s `externalId` is unique per source. The key’s id unless set.',
    }),
    keyPrefix: Type.String({
      description: 'The first characters of the secret, to recognise a key.',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    revokedAt: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'date-time' }),
  },
  { title: 'ApiKey' },
)

export const CreatedApiKeySchema = Type.Object(
  {
    ...ApiKeySchema.properties,
    key: Type.String({ description: 'The secret. Shown in this response only: store it now.' }),
  },
  { title: 'CreatedApiKey' },
)

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Who or what uses the key.' }),
    role: RoleSchema,
    scopeRef: Type.Optional(
      Type.Unsafe<string | null>({
        type: ['string', 'null'],
        minLength: 1,
        maxLength: 64,
        description:
          'The unit whose subtree the key is confined to: its id, or its code as of today (like every other `…Ref`). Null or left out: all (a scoped admin’s own scope).',
      }),
    ),
    scope: Type.Optional(
      Type.Unsafe<string | null>({
        type: ['string', 'null'],
        format: 'uuid',
        deprecated: true,
        description: 'Deprecated: use `scopeRef` (which also takes a code). A unit id.',
      }),
    ),
    source: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$',
        description:
          'Name of the sending system (e.g. `an-giang-portal`). Give a replacement key the same source so its externalIds still match.',
      }),
    ),
  },
  { additionalProperties: false, title: 'CreateApiKey' },
)

export const ApiKeyListQuery = Type.Object(
  { ...PaginationQuery, includeRevoked: Type.Boolean({ default: false }) },
  { additionalProperties: false },
)

export const ApiKeyIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const ApiKeyPage = Page(ApiKeySchema, 'ApiKeyPage')

export type ApiKey = Static<typeof ApiKeySchema>
export type CreateApiKey = Static<typeof CreateApiKeyBody>
