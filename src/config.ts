// The environment, declared once. Every variable the service reads is a property of
// EnvironmentSchema; the README's configuration table and docker-compose.yml are checked against it.
import { readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import Type, { type Static } from 'typebox'
import { Value } from 'typebox/value'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export const EnvironmentSchema = Type.Object({
  PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 3000,
    description: 'TCP port to listen on.',
  }),
  HOST: Type.String({
    minLength: 1,
    default: '127.0.0.1',
    description: 'Address to listen on (`0.0.0.0` in a container).',
  }),
  DATABASE_URL: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description: 'PostgreSQL connection string. Unset: the embedded database in `DATA_DIR`.',
    }),
  ),
  DATA_DIR: Type.String({
    minLength: 1,
    default: './data',
    description:
      'Folder of the embedded database (used when `DATABASE_URL` is unset); `memory` keeps it in memory.',
  }),
  ADMIN_API_KEY: Type.Optional(
    Type.String({
      minLength: 16,
      description: 'Bootstrap admin key with no unit scope (at least 16 characters).',
    }),
  ),
  LOG_LEVEL: Type.Enum([...LOG_LEVELS], { default: 'info', description: 'pino log level.' }),
  LOG_FORMAT: Type.Enum(['auto', 'json', 'pretty'], {
    default: 'auto',
    description: '`auto`: readable lines on a terminal, JSON otherwise.',
  }),
  CORS_ORIGINS: Type.String({
    default: '',
    description:
      'Comma-separated browser origins allowed to call the API; empty disables CORS; `*` allows any.',
  }),
  BODY_LIMIT_BYTES: Type.Integer({
    minimum: 1024,
    default: 1048576,
    description: 'Largest request body accepted (413 above).',
  }),
  IMPORT_BODY_LIMIT_BYTES: Type.Integer({
    minimum: 1024,
    default: 1073741824,
    description:
      'Largest file a bulk import accepts (413 above); read as it arrives, never held whole.',
  }),
  IMPORT_WORKER_POLL_MS: Type.Integer({
    minimum: 0,
    default: 2000,
    description:
      'How often this process looks for queued (async) imports to run; 0: it runs none (another process does).',
  }),
  DATABASE_POOL_SIZE: Type.Integer({
    minimum: 1,
    maximum: 200,
    default: 10,
    description: 'Connections to PostgreSQL.',
  }),
  DATABASE_QUERY_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    default: 5000,
    description:
      'Longest a query may take on PostgreSQL (a frozen server, a lock held too long) before the request answers 503.',
  }),
  DATABASE_PREPARED_STATEMENTS: Type.Boolean({
    default: true,
    description:
      'Run frequent queries as named prepared statements (parsed and planned once per connection); `false` behind a pooler in transaction mode that does not keep them.',
  }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({
    minimum: 0,
    default: 1200,
    description:
      'Requests per minute per API key (or per address without one); 0 disables the limit.',
  }),
  CHANGE_RETENTION_DAYS: Type.Integer({
    minimum: 1,
    default: 90,
    description:
      'Days the change feed keeps a change; a reader whose cursor is older answers 410 and reads the records again.',
  }),
  WEBHOOK_ALLOWED_HOSTS: Type.String({
    default: '',
    description:
      'Comma-separated host names webhooks may be sent to (`*.example.vn` for a domain and its subdomains); empty allows any.',
  }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    default: 10000,
    description: 'How long a webhook receiver has to answer before the attempt counts as failed.',
  }),
  WEBHOOK_RETRY_HOURS: Type.Number({
    exclusiveMinimum: 0,
    default: 24,
    description:
      'How long a delivery is retried before it is marked failed; a subscription failing that long is disabled.',
  }),
  WEBHOOK_RETRY_BASE_MS: Type.Integer({
    minimum: 1,
    default: 10000,
    description:
      'Wait before the first retry; each retry waits twice as long (up to an hour), with random jitter.',
  }),
  WEBHOOK_WORKER_POLL_MS: Type.Integer({
    minimum: 0,
    default: 1000,
    description:
      'How often this process looks for due webhook deliveries (it is also woken by every commit); 0: it sends none (another process does).',
  }),
  REDIS_URL: Type.Optional(
    Type.String({
      pattern: '^rediss?://',
      description:
        'Redis shared by every process of the service for rate limits. Unset: each process counts on its own.',
    }),
  ),
  REPORT_DEADLINES: Type.String({
    pattern:
      '^\\s*(commune|district|province)=\\d{2}-\\d{2}\\s*(,\\s*(commune|district|province)=\\d{2}-\\d{2}\\s*)*$',
    default: 'commune=11-30,district=12-15,province=12-31',
    description:
      'The day of its year by which each level submits its report (month-day; `commune` covers wards, towns and special zones). Levels left out keep their default.',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({
    minimum: 0,
    default: 10000,
    description: 'How long a SIGTERM waits for requests in flight before the process exits anyway.',
  }),
})

export type Environment = Static<typeof EnvironmentSchema>

export interface Config {
  readonly port: number
  readonly host: string
  readonly databaseUrl: string | undefined
  readonly dataDir: string
  readonly adminApiKey: string | undefined
  readonly logLevel: (typeof LOG_LEVELS)[number]
  readonly logFormat: 'auto' | 'json' | 'pretty'
  readonly corsOrigins: readonly string[]
  readonly bodyLimitBytes: number
  readonly importBodyLimitBytes: number
  readonly importWorkerPollMs: number
  readonly databasePoolSize: number
  readonly databaseQueryTimeoutMs: number
  readonly databasePreparedStatements: boolean
  readonly rateLimitPerMinute: number
  readonly shutdownTimeoutMs: number
  readonly changeRetentionDays: number
  readonly webhookAllowedHosts: readonly string[]
  readonly webhookTimeoutMs: number
  readonly webhookRetryHours: number
  readonly webhookRetryBaseMs: number
  readonly webhookWorkerPollMs: number
  readonly redisUrl: string | undefined
  /** The month-day deadline of each reporting level. */
  readonly reportDeadlines: Readonly<Record<ReportingLevel, string>>
}

export type ReportingLevel = 'commune' | 'district' | 'province'
const DEFAULT_DEADLINES: Record<ReportingLevel, string> = {
  commune: '11-30',
  district: '12-15',
  province: '12-31',
}

/** `commune=11-30,district=12-15` read over the defaults; undefined when a day does not exist. */
function deadlinesOf(text: string): Record<ReportingLevel, string> | undefined {
  const deadlines = { ...DEFAULT_DEADLINES }
  for (const part of text.split(',')) {
    const [level, day] = part.trim().split('=') as [ReportingLevel, string]
    // Any year's calendar: 29 February is refused, since most years have none.
    const date = new Date(`2023-${day}T00:00:00Z`)
    if (Number.isNaN(date.getTime()) || !date.toISOString().startsWith(`2023-${day}`))
      return undefined
    deadlines[level] = day
  }
  return deadlines
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Variables whose values never appear in a message: a key, a URL that may hold a password. */
const SECRETS = new Set(['ADMIN_API_KEY', 'DATABASE_URL', 'REDIS_URL'])

/**
 * The process environment over the variables of `file` (default `.env` in the working folder,
 * if there is one): a variable set in the environment wins over the file.
 */
export function environmentWithDotEnv(
  env: Record<string, string | undefined> = process.env,
  file = '.env',
): Record<string, string | undefined> {
  let content: string
  try {
    content = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return env
    throw new ConfigError([`${file}: cannot be read (${(error as NodeJS.ErrnoException).code})`])
  }
  return { ...parseEnv(content), ...env }
}

/** One line for a bad variable: its value (unless secret), the problem, the allowed values. */
function describeProblem(name: string, raw: unknown, message: string): string {
  const property = (EnvironmentSchema.properties as Record<string, { enum?: unknown[] }>)[name]
  const value = SECRETS.has(name)
    ? ` (value hidden, ${String(raw).length} characters)`
    : `=${JSON.stringify(raw)}`
  const problem = property?.enum ? `must be one of ${property.enum.join(', ')}` : message
  return `${name}${value}: ${problem}`
}

/**
 * Reads the variables of the schema from `env` (by default the environment over `.env`), applies
 * defaults and validates all of them at once.
 */
export function loadConfig(
  env: Record<string, string | undefined> = environmentWithDotEnv(),
): Config {
  const raw: Record<string, unknown> = {}
  for (const name of Object.keys(EnvironmentSchema.properties)) {
    const value = env[name]?.trim()
    // An empty variable means "not set", as a shell or compose file writes it.
    if (value !== undefined && value !== '') raw[name] = value
  }
  const converted = Value.Convert(EnvironmentSchema, Value.Default(EnvironmentSchema, raw))
  const problems = [...Value.Errors(EnvironmentSchema, converted)].map((error) => {
    const name = error.instancePath.replace(/^\//, '')
    return describeProblem(name, raw[name], error.message)
  })
  const e = converted as Environment
  const reportDeadlines =
    problems.length === 0 ? deadlinesOf(e.REPORT_DEADLINES) : DEFAULT_DEADLINES
  if (!reportDeadlines)
    problems.push(
      describeProblem('REPORT_DEADLINES', raw.REPORT_DEADLINES, 'names a day that no year has'),
    )
  if (problems.length > 0) throw new ConfigError([...new Set(problems)])
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    adminApiKey: e.ADMIN_API_KEY,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    corsOrigins: Object.freeze(
      e.CORS_ORIGINS.split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    importBodyLimitBytes: e.IMPORT_BODY_LIMIT_BYTES,
    importWorkerPollMs: e.IMPORT_WORKER_POLL_MS,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseQueryTimeoutMs: e.DATABASE_QUERY_TIMEOUT_MS,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    changeRetentionDays: e.CHANGE_RETENTION_DAYS,
    webhookAllowedHosts: Object.freeze(
      e.WEBHOOK_ALLOWED_HOSTS.split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    ),
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookRetryHours: e.WEBHOOK_RETRY_HOURS,
    webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    webhookWorkerPollMs: e.WEBHOOK_WORKER_POLL_MS,
    redisUrl: e.REDIS_URL,
    reportDeadlines: Object.freeze(reportDeadlines!),
  })
}
