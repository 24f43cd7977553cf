import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { type Kysely, sql } from 'kysely'
import Type from 'typebox'
import type { DB } from '../../db/schema.js'
import { pendingMigrations } from '../../db/migrator.js'
import { serviceUnavailable } from '../../http/errors.js'
import { problemResponses } from '../../http/problem.schema.js'

const tags = ['operations']
const Status = (title: string) => Type.Object({ status: Type.String() }, { title })

export const healthRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get('/healthz', {
    schema: {
      operationId: 'getHealth',
      tags,
      summary: 'The process is up (does not touch the database)',
      security: [],
      response: { 200: Status('Health') },
    },
    handler: async () => ({ status: 'ok' }),
  })

  app.get('/readyz', {
    schema: {
      operationId: 'getReadiness',
      tags,
      summary: 'The database is reachable and fully migrated',
      security: [],
      response: { 200: Status('Readiness'), ...problemResponses(503) },
    },
    handler: async () => {
      try {
        await sql`select 1`.execute(db)
      } catch {
        throw serviceUnavailable('The database is unreachable.')
      }
      const pending = await pendingMigrations(db)
      if (pending.length > 0)
        throw serviceUnavailable(`Migrations not yet applied: ${pending.join(', ')}.`)
      return { status: 'ready' }
    },
  })
}
