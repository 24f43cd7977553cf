// buildApp: the core plugins, then every module, registered explicitly. This file is the route map.
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyPluginOptions } from 'fastify'
import { Redis } from 'ioredis'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import { declareCommonStatuses } from './http/common-statuses.js'
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './http/error-handler.js'
import { registerJsonBody } from './http/json-body.js'
import { lazySerializers, lazyValidators } from './http/lazy-compilers.js'
import { HttpProblem } from './http/errors.js'
import { registerMetrics } from './http/metrics.js'
import { swaggerOptions } from './http/openapi.js'
import { ProblemSchema } from './http/problem.schema.js'
import { requestIdOf } from './http/request-id.js'
import { RequestLog } from './http/request-log.js'
import { createLogger } from './logger.js'
import { createServices } from './services.js'
import { type Background, startBackground } from './workers.js'
import { authenticate } from './http/caller.js'
import { apiKeysRoutes } from './modules/api-keys/index.js'
import { healthRoutes } from './modules/health/health.routes.js'
import { certificationsRoutes } from './modules/certifications/index.js'
import { exportsRoutes, importsRoutes } from './modules/imports/index.js'
import { registerIdempotency } from './http/idempotency.js'
import { meetingsRoutes } from './modules/meetings/index.js'
import { reeducationRoutes } from './modules/reeducation/index.js'
import { auditRoutes } from './modules/audit/index.js'
import { campaignsRoutes } from './modules/campaigns/index.js'
import { changesRoutes, createChangeSignal } from './modules/changes/index.js'
import { webhooksRoutes } from './modules/webhooks/index.js'
import { reportsRoutes } from './modules/reports/index.js'
import { reportSubmissionsRoutes } from './modules/report-submissions/index.js'
import { unitChangesRoutes, unitsRoutes } from './modules/units/index.js'

const DISPLAY_NAME = Symbol.for('fastify.display-name')

/**
 * A plugin under a name, as fastify-plugin names one (still encapsulated: this sets no
 * `skip-override`). Fastify names a plugin that carries none by searching `require.cache` for it,
 * which under Jest's module registry cost ~0.3 s of CPU for every app a test builds.
 */
const nameAs = <Plugin extends object>(name: string, plugin: Plugin): Plugin =>
  Object.assign(plugin, { [DISPLAY_NAME]: name })

/** `nameAs` for a plugin written in place, which takes its parameter types from here. */
const named = <Options extends FastifyPluginOptions>(
  name: string,
  plugin: FastifyPluginAsyncTypebox<Options>,
) => nameAs(name, plugin)

const ROUTES = {
  health: healthRoutes,
  'api-keys': apiKeysRoutes,
  units: unitsRoutes,
  'unit-changes': unitChangesRoutes,
  certifications: certificationsRoutes,
  meetings: meetingsRoutes,
  reeducation: reeducationRoutes,
  reports: reportsRoutes,
  'report-submissions': reportSubmissionsRoutes,
  campaigns: campaignsRoutes,
  imports: importsRoutes,
  exports: exportsRoutes,
  'audit-events': auditRoutes,
  changes: changesRoutes,
  webhooks: webhooksRoutes,
}
for (const [name, plugin] of Object.entries(ROUTES)) nameAs(name, plugin)

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
    schemaController: {
      compilersFactory: { buildSerializer: lazySerializers, buildValidator: lazyValidators },
    },
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

  const services = createServices(config, database, changeSignal)
  let background: Background | undefined
  if (database.kind !== 'none') {
    app.addHook('onReady', () => {
      background = startBackground(services, config, changeSignal, metrics, app.log)
    })
    app.addHook('preClose', () => background?.stop())
  }
  // Last, once background work has stopped: wakes the long-polling readers to answer.
  app.addHook('preClose', () => changeSignal.stop())

  const { units, importers } = services
  await app.register(
    named('v1', async (v1) => {
      authenticate(v1, services.callers)
      // A write that succeeded has committed: wake the feed's readers and the webhook fan-out.
      v1.addHook('onResponse', (request, reply, done) => {
        if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400)
          changeSignal.announce()
        done()
      })
      registerIdempotency(v1, db)
      await v1.register(apiKeysRoutes, { prefix: '/api-keys', service: services.apiKeys })
      await v1.register(unitsRoutes, {
        prefix: '/units',
        service: units,
        changes: services.unitChanges,
      })
      await v1.register(unitChangesRoutes, {
        prefix: '/unit-changes',
        changes: services.unitChanges,
      })
      await v1.register(certificationsRoutes, { service: services.certifications, units })
      await v1.register(meetingsRoutes, { prefix: '/meetings', service: services.meetings, units })
      await v1.register(reeducationRoutes, { service: services.reeducation, units })
      await v1.register(reportsRoutes, { prefix: '/reports', reports: services.reports })
      // /report-submissions and /reports/completeness.
      await v1.register(reportSubmissionsRoutes, { service: services.reportSubmissions })
      await v1.register(campaignsRoutes, {
        prefix: '/campaigns',
        service: services.campaigns,
        units,
        reports: services.reports,
      })
      await v1.register(importsRoutes, {
        prefix: '/imports',
        service: services.imports,
        importers,
        bodyLimitBytes: config.importBodyLimitBytes,
        onQueued: () => background?.pokeImports(),
      })
      await v1.register(exportsRoutes, {
        prefix: '/exports',
        service: services.imports,
        importers,
        units,
      })
      await v1.register(auditRoutes, { prefix: '/audit-events', audit: services.audit, units })
      await v1.register(changesRoutes, { prefix: '/changes', changes: services.changes })
      await v1.register(webhooksRoutes, {
        prefix: '/webhooks',
        webhooks: services.webhooks,
        onDue: () => background?.pokeWebhooks(),
      })
    }),
    { prefix: '/v1' },
  )
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
