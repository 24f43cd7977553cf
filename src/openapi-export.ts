// The OpenAPI document as the code defines it, without a database or a port: the app is built
// over a database that compiles queries and never runs them.
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { openNoDatabase } from './db/database.js'

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    )
  }
  return value
}

/** The document, key-sorted and newline-terminated, exactly as `openapi/openapi.json` stores it. */
export async function generateOpenApiJson(): Promise<string> {
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' }), {
    database: openNoDatabase(),
  })
  try {
    await app.ready()
    return `${JSON.stringify(sortKeys(app.swagger()), null, 2)}\n`
  } finally {
    await app.close()
  }
}
