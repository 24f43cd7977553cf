import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { type Kysely, sql } from 'kysely'
import Type from 'typebox'
import type { DB } from '../../db/schema.js'
import { pendingMigrations } from '../../db/migrator.js'
import { serviceUnavailable } from '../../http/errors.js'
import { problemResponses } from '../../http/problem.schema.js'

const tags = ['operations']
const READINESS_TIMEOUT_MS = 2000
const Status = (title: string) => Type.Object({ status: Type.String() }, { title })

export const healthRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get('/healthz', {
    schema: {
      operationId: 'getHealth',
      description: '200 while the process runs; for a liveness probe. Needs no key.',
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
      description:
        '200 when the database answers and every migration is applied, else 503 (for a readiness probe or a load balancer). Needs no key.',
      tags,
      summary: 'The database is reachable and fully migrated',
      security: [],
      response: { 200: Status('Readiness'), ...problemResponses(503) },
    },
    handler: async () => {
      // Its own short deadline: a load balancer must learn within seconds that the database hangs.
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('readiness deadline')), READINESS_TIMEOUT_MS)
      })
      const check = async () => {
        await sql`select 1`.execute(db)
        return pendingMigrations(db)
      }
      let pending: string[]
      try {
        pending = await Promise.race([check(), deadline])
      } catch {
        throw serviceUnavailable('The database is unreachable or does not answer in time.')
      } finally {
        clearTimeout(timer)
      }
      if (pending.length > 0)
        throw serviceUnavailable(`Migrations not yet applied: ${pending.join(', ')}.`)
      return { status: 'ready' }
    },
  })
}
