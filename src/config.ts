// The environment, declared once. Every variable the service reads is a property of
// EnvironmentSchema; the README's configuration table and docker-compose.yml are checked against it.
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
  DATABASE_POOL_SIZE: Type.Integer({
    minimum: 1,
    maximum: 200,
    default: 10,
    description: 'Connections to PostgreSQL.',
  }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({
    minimum: 0,
    default: 1200,
    description:
      'Requests per minute per API key (or per address without one); 0 disables the limit.',
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
  readonly databasePoolSize: number
  readonly rateLimitPerMinute: number
  readonly shutdownTimeoutMs: number
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Reads the variables of the schema from `env`, applies defaults and validates all of them at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, unknown> = {}
  for (const name of Object.keys(EnvironmentSchema.properties)) {
    const value = env[name]?.trim()
    // An empty variable means "not set", as a shell or compose file writes it.
    if (value !== undefined && value !== '') raw[name] = value
  }
  const converted = Value.Convert(EnvironmentSchema, Value.Default(EnvironmentSchema, raw))
  const problems = [...Value.Errors(EnvironmentSchema, converted)].map((error) => {
    const name = error.instancePath.replace(/^\//, '')
    return `${name}=${JSON.stringify(raw[name])}: ${error.message}`
  })
  if (problems.length > 0) throw new ConfigError([...new Set(problems)])
  const e = converted as Environment
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
    databasePoolSize: e.DATABASE_POOL_SIZE,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  })
}
