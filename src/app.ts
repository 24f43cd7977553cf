// buildApp: the core plugins, then every module, registered explicitly. This file is the route map.
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import { Redis } from 'ioredis'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import { declareCommonStatuses } from './http/common-statuses.js'
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './http/error-handler.js'
import { registerJsonBody } from './http/json-body.js'
import { HttpProblem } from './http/errors.js'
import { registerMetrics } from './http/metrics.js'
import { swaggerOptions } from './http/openapi.js'
import { ProblemSchema } from './http/problem.schema.js'
import { requestIdOf } from './http/request-id.js'
import { RequestLog } from './http/request-log.js'
import { createLogger } from './logger.js'
import { authenticate } from './http/caller.js'
import {
  apiKeysRoutes,
  createApiKeysRepository,
  createCallerLookup,
} from './modules/api-keys/index.js'
import { healthRoutes } from './modules/health/health.routes.js'
import {
  certificationsRoutes,
  createCertificationsImporter,
} from './modules/certifications/index.js'
import { exportsRoutes, importsRoutes } from './modules/imports/index.js'
import { registerIdempotency, sweepIdempotencyKeys } from './http/idempotency.js'
import { createMeetingsImporter, meetingsRoutes } from './modules/meetings/index.js'
import { createReeducationImporter, reeducationRoutes } from './modules/reeducation/index.js'
import { auditRoutes } from './modules/audit/index.js'
import { campaignsRoutes } from './modules/campaigns/index.js'
import {
  changesRoutes,
  createChangeSignal,
  createChangesService,
  pruneChanges,
} from './modules/changes/index.js'
import {
  createWebhooksRepository,
  createWebhooksService,
  startWebhookWorker,
  type WebhookWorker,
  webhooksRoutes,
} from './modules/webhooks/index.js'
import { type ScheduledTasks, startScheduledTasks } from './background/scheduled-tasks.js'
import { createReportsService, reportsRoutes } from './modules/reports/index.js'
import {
  createUnitsImporter,
  createUnitsService,
  unitChangesRoutes,
  unitsRoutes,
} from './modules/units/index.js'

export interface AppOptions {
  /** The database the app uses; closing the app closes it. */
  database: Database
  logger?: FastifyBaseLogger
}

export async function buildApp(config: Config, { database, logger }: AppOptions) {
  const { db } = database
  const app = Fastify({
    loggerInstance: logger ?? createLogger(config),
    genReqId: requestIdOf,
    logController: new RequestLog(),
    bodyLimit: config.bodyLimitBytes,
    // No time limit on a plugin's start: every plugin here is an async function (none can forget
    // to call done), and on a busy machine the docs page alone took longer than the default 10 s.
    pluginTimeout: 0,
    // Path parameters are codes and ids of at most 64 characters, as the schemas say.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 64 },
    frameworkErrors,
    clientErrorHandler,
    ajv: {
      // Unknown fields are rejected (400), not silently dropped; every problem is reported at once.
      customOptions: {
        removeAdditional: false,
        allErrors: true,
        coerceTypes: 'array',
        useDefaults: true,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id)
    done()
  })
  app.addHook('onClose', () => database.close())

  registerErrorHandling(app)
  registerJsonBody(app)
  declareCommonStatuses(app)
  app.addSchema(ProblemSchema)
  await app.register(swagger, swaggerOptions)
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger())
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? true : [...config.corsOrigins],
      exposedHeaders: ['etag', 'location', 'x-request-id'],
    })
  }
  if (config.rateLimitPerMinute > 0) {
    // With REDIS_URL every process counts in one place; without, each process on its own.
    const redis = config.redisUrl
      ? new Redis(config.redisUrl, { connectTimeout: 2000, maxRetriesPerRequest: 1 })
      : undefined
    if (redis) {
      redis.on('error', (error) => app.log.warn({ err: error }, 'Redis unreachable'))
      app.addHook('onClose', async () => {
        await redis.quit().catch(() => redis.disconnect())
      })
    }
    await app.register(rateLimit, {
      ...(redis ? { redis, nameSpace: 'antq-rate-limit:', skipOnError: true } : {}),
      max: config.rateLimitPerMinute,
      timeWindow: '1 minute',
      allowList: (request) => !request.url.startsWith('/v1'),
      keyGenerator: (request) => request.headers.authorization ?? request.ip,
      errorResponseBuilder: (_request, context) =>
        new HttpProblem(
          429,
          'RATE_LIMITED',
          'Too many requests',
          `Rate limit of ${context.max} requests a minute exceeded; retry in ${context.after}.`,
        ),
    })
  }
  const metrics = registerMetrics(app)
  await app.register(healthRoutes, { db })

  // One LISTEN per process wakes long-polling readers and the webhook fan-out.
  const changeSignal = createChangeSignal(database)
  await changeSignal.start()

  // Background work, shared with the other processes of the service through PostgreSQL.
  const webhooksRepository = createWebhooksRepository(db)
  let webhookWorker: WebhookWorker | undefined
  let scheduled: ScheduledTasks | undefined
  if (database.kind !== 'none') {
    app.addHook('onReady', () => {
      webhookWorker = startWebhookWorker(
        db,
        webhooksRepository,
        changeSignal,
        {
          metrics,
          pollMs: config.webhookWorkerPollMs,
          timeoutMs: config.webhookTimeoutMs,
          retryHours: config.webhookRetryHours,
          retryBaseMs: config.webhookRetryBaseMs,
          allowedHosts: config.webhookAllowedHosts,
        },
        app.log,
      )
      scheduled = startScheduledTasks(
        db,
        [
          { name: 'idempotency-keys-sweep', everyMs: 60_000, run: sweepIdempotencyKeys },
          {
            name: 'change-feed-retention',
            everyMs: 3_600_000,
            run: async (tx) => ({
              changes: await pruneChanges(tx, config.changeRetentionDays),
              deliveries: await webhooksRepository.pruneDeliveries(config.changeRetentionDays),
            }),
          },
        ],
        app.log,
      )
    })
    app.addHook('preClose', async () => {
      await webhookWorker?.stop()
      await scheduled?.stop()
    })
  }
  // Last, once background work has stopped: wakes the long-polling readers to answer.
  app.addHook('preClose', () => changeSignal.stop())

  await app.register(
    async (v1) => {
      const callers = createCallerLookup(createApiKeysRepository(db), config.adminApiKey)
      authenticate(v1, callers)
      // A write that succeeded has committed: wake the feed's readers and the webhook fan-out.
      v1.addHook('onResponse', (request, reply, done) => {
        if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400)
          changeSignal.announce()
        done()
      })
      registerIdempotency(v1, db)
      const units = createUnitsService(db)
      await v1.register(apiKeysRoutes, {
        prefix: '/api-keys',
        db,
        units,
        onRevoked: callers.forget,
      })
      await v1.register(unitsRoutes, { prefix: '/units', db })
      await v1.register(unitChangesRoutes, { prefix: '/unit-changes', db })
      await v1.register(certificationsRoutes, { db, units })
      await v1.register(meetingsRoutes, { prefix: '/meetings', db, units })
      await v1.register(reeducationRoutes, { db, units })
      const reports = createReportsService(db, units)
      await v1.register(reportsRoutes, { prefix: '/reports', reports })
      await v1.register(campaignsRoutes, { prefix: '/campaigns', db, units, reports })
      const importers = [
        createUnitsImporter(units),
        createCertificationsImporter(units),
        createMeetingsImporter(units),
        createReeducationImporter(units),
      ]
      await v1.register(importsRoutes, {
        prefix: '/imports',
        db,
        importers,
        bodyLimitBytes: config.importBodyLimitBytes,
        workerPollMs: config.importWorkerPollMs,
        onJobDone: () => changeSignal.announce(),
        progressWrites: database.kind === 'postgres',
      })
      await v1.register(exportsRoutes, { prefix: '/exports', db, importers, units })
      await v1.register(auditRoutes, { prefix: '/audit-events', db, units })
      const changes = createChangesService(db, units, changeSignal)
      await v1.register(changesRoutes, { prefix: '/changes', changes })
      const webhooks = createWebhooksService(
        db,
        webhooksRepository,
        units,
        config.webhookAllowedHosts,
      )
      await v1.register(webhooksRoutes, {
        prefix: '/webhooks',
        webhooks,
        onDue: () => webhookWorker?.poke(),
      })
    },
    { prefix: '/v1' },
  )
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
