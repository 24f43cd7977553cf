// npm run openapi: writes openapi/openapi.json from the route schemas.
import { writeFile } from 'node:fs/promises'
import { generateOpenApiJson } from '../http/openapi-export.js'

const target = new URL('../../openapi/openapi.json', import.meta.url)
await writeFile(target, await generateOpenApiJson())
console.log(`wrote ${target.pathname}`)
