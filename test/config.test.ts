import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { ConfigError, EnvironmentSchema, environmentWithDotEnv, loadConfig } from '../src/config.js'

const VARIABLES = Object.keys(EnvironmentSchema.properties).sort()
const read = (file: string) => readFile(new URL(`../${file}`, import.meta.url), 'utf8')

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: './data',
      adminApiKey: undefined,
      logLevel: 'info',
      logFormat: 'auto',
      corsOrigins: [],
      bodyLimitBytes: 1048576,
      importBodyLimitBytes: 1073741824,
      importWorkerPollMs: 2000,
      databasePoolSize: 10,
      databaseQueryTimeoutMs: 5000,
      databasePreparedStatements: true,
      rateLimitPerMinute: 1200,
      shutdownTimeoutMs: 10000,
      changeRetentionDays: 90,
      webhookAllowedHosts: [],
      webhookTimeoutMs: 10000,
      webhookRetryHours: 24,
      webhookRetryBaseMs: 10000,
      webhookWorkerPollMs: 1000,
      redisUrl: undefined,
      reportDeadlines: { commune: '11-30', district: '12-15', province: '12-31' },
    })
  })

  it('converts and trims values, treats empty as unset, splits CORS origins', () => {
    const config = loadConfig({
      PORT: ' 8080 ',
      DATABASE_URL: 'postgres://u@h:5432/db',
      DATA_DIR: '',
      CORS_ORIGINS: 'https://a.vn, https://b.vn',
      DATABASE_PREPARED_STATEMENTS: 'false',
    })
    expect(config).toMatchObject({
      port: 8080,
      databasePreparedStatements: false,
      databaseUrl: 'postgres://u@h:5432/db',
      dataDir: './data',
      corsOrigins: ['https://a.vn', 'https://b.vn'],
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('names every bad variable in one error', () => {
    let error: unknown
    try {
      loadConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://x',
        ADMIN_API_KEY: 'short',
        BODY_LIMIT_BYTES: '-1',
        DATABASE_PREPARED_STATEMENTS: 'sometimes',
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems
    expect(problems.map((p) => p.split(/[= ]/)[0]).sort()).toEqual([
      'ADMIN_API_KEY',
      'BODY_LIMIT_BYTES',
      'DATABASE_PREPARED_STATEMENTS',
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
    ])
    expect((error as Error).message).toContain('PORT="eighty"')
    // Secrets are never echoed; enumerations list what is allowed.
    expect((error as Error).message).not.toContain('short')
    expect((error as Error).message).not.toContain('mysql')
    expect(problems).toContain(
      'ADMIN_API_KEY (value hidden, 5 characters): must not have fewer than 16 characters',
    )
    expect(problems).toContain(
      'LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent',
    )
  })
})

describe('.env', () => {
  it('is read under the environment: a variable set in the environment wins', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'antq-env-'))
    const file = join(folder, '.env')
    await writeFile(file, 'PORT=4000\nLOG_LEVEL=debug\n# a comment\nHOST="0.0.0.0"\n')
    const config = loadConfig(environmentWithDotEnv({ LOG_LEVEL: 'warn' }, file))
    expect(config).toMatchObject({ port: 4000, host: '0.0.0.0', logLevel: 'warn' })
    expect(environmentWithDotEnv({ PORT: '1' }, join(folder, 'missing.env'))).toEqual({ PORT: '1' })
    await rm(folder, { recursive: true })
  })
})

describe('files that describe the configuration', () => {
  it('.env.example lists exactly the variables of the schema', async () => {
    const names = [...(await read('.env.example')).matchAll(/^#?\s*([A-Z_]+)=/gm)]
      .map((m) => m[1])
      .sort()
    expect(names).toEqual(VARIABLES)
  })

  it('the README configuration table has a row per variable with its default', async () => {
    const readme = await read('README.md')
    for (const name of VARIABLES) {
      const schema = EnvironmentSchema.properties[
        name as keyof typeof EnvironmentSchema.properties
      ] as { default?: string | number }
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\``))
      expect({ name, row: row !== undefined }).toEqual({ name, row: true })
      if (schema.default !== undefined && schema.default !== '')
        expect(row).toContain(`\`${String(schema.default)}\``)
    }
  })

  it('docker-compose.yml sets only variables the schema knows, and points the API at its database', async () => {
    const compose = parse(await read('docker-compose.yml')) as {
      services: Record<
        string,
        {
          environment?: Record<string, string>
          ports?: string[]
          depends_on?: Record<string, { condition: string }>
          healthcheck?: unknown
        }
      >
    }
    const api = compose.services.api!
    const names = Object.keys(api.environment ?? {})
    expect(names.filter((name) => !VARIABLES.includes(name))).toEqual([])
    expect(api.environment?.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/.+@db:5432\//)
    expect(api.depends_on?.db?.condition).toBe('service_healthy')
    expect(api.healthcheck).toBeDefined()
    expect(compose.services.db?.healthcheck).toBeDefined()
    expect(() => loadConfig(api.environment)).not.toThrow()
    // No published default key: compose refuses to start without one. Loopback unless told.
    expect(api.environment?.ADMIN_API_KEY).toMatch(/^\$\{ADMIN_API_KEY:\?.+\}$/)
    expect(api.ports).toEqual(['${ANTQ_PUBLISH:-127.0.0.1}:3000:3000'])
  })
})
