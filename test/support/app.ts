// The real app over a fresh test database, and a supertest agent for it.
import supertest from 'supertest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import type { Database } from '../../src/db/database.js'
import { openTestDatabase } from './database.js'

export const ADMIN_KEY = 'test-admin-key-0123456789'

export interface TestApp {
  app: Awaited<ReturnType<typeof buildApp>>
  database: Database
  http: () => supertest.Agent
  /** A supertest agent that sends the bootstrap admin key. */
  admin: () => supertest.Agent
  close: () => Promise<void>
}

export async function createTestApp(
  env: Record<string, string> = {},
  database?: Database,
): Promise<TestApp> {
  const db = database ?? (await openTestDatabase())
  const config = loadConfig({
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  })
  const app = await buildApp(config, { database: db })
  await app.ready()
  return {
    app,
    database: db,
    http: () => supertest.agent(app.server),
    admin: () => supertest.agent(app.server).set('authorization', `Bearer ${ADMIN_KEY}`),
    close: () => app.close(),
  }
}

/** Creates a key with the given role through the API and returns its secret. */
export async function createKey(
  t: TestApp,
  role: 'admin' | 'editor' | 'viewer',
  scope?: string,
): Promise<string> {
  const response = await t
    .admin()
    .post('/v1/api-keys')
    .send({ name: `${role} key`, role, ...(scope ? { scope } : {}) })
    .expect(201)
  return (response.body as { key: string }).key
}
