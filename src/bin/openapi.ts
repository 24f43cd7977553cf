// npm run openapi: writes openapi/openapi.json from the route schemas, and the TypeScript client's
// types (clients/typescript/schema.d.ts) from that document.
import { writeFile } from 'node:fs/promises'
import { generateClientTypes } from '../http/openapi-client.js'
import { generateOpenApiJson } from '../openapi-export.js'

const document = new URL('../../openapi/openapi.json', import.meta.url)
const clientTypes = new URL('../../clients/typescript/schema.d.ts', import.meta.url)
const json = await generateOpenApiJson()
await writeFile(document, json)
console.log(`wrote ${document.pathname}`)
await writeFile(clientTypes, await generateClientTypes(json))
console.log(`wrote ${clientTypes.pathname}`)
