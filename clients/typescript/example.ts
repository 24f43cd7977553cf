// What a dashboard does with the client: list a province's communes, read one with its ETag, and
// rename it with If-Match. Runs as `npx tsx clients/typescript/example.ts` with ANTQ_URL and
// ANTQ_API_KEY set; the tests run `renameFirstCommune` against the real service.
import { type AntqClient, type ResponseHeaders, type Unit, createAntqClient } from './index.js'

export async function renameFirstCommune(
  client: AntqClient,
  province: string,
  newName: string,
): Promise<{ before: Unit; after: Unit; etag: string }> {
  // Only the parameters needed: limit and the rest have defaults.
  const page = await client.GET('/v1/units', {
    params: { query: { under: province, kind: 'commune,ward,town' } },
  })
  if (page.error) throw new Error(`${page.error.code}: ${page.error.detail}`)
  const first = page.data.items[0]
  if (!first) throw new Error(`no commune under ${province}`)

  const read = await client.GET('/v1/units/{ref}', { params: { path: { ref: first.id } } })
  if (read.error) throw new Error(`${read.error.code}: ${read.error.detail}`)
  // Typed by the document: the ETag this answer declares (it would not compile if it did not).
  const etag = read.response.headers.get('etag') as ResponseHeaders<
    '/v1/units/{ref}',
    'get',
    200
  >['etag']
  if (!etag) throw new Error('the unit came without an ETag')

  const changed = await client.PATCH('/v1/units/{ref}', {
    params: { path: { ref: first.id }, header: { 'if-match': etag } },
    body: { name: newName },
  })
  if (changed.error) throw new Error(`${changed.error.code}: ${changed.error.detail}`)
  return { before: read.data, after: changed.data, etag }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const client = createAntqClient({
    baseUrl: process.env.ANTQ_URL ?? 'http://127.0.0.1:3000',
    apiKey: process.env.ANTQ_API_KEY ?? '',
  })
  const { before, after } = await renameFirstCommune(
    client,
    process.argv[2] ?? '89',
    process.argv[3] ?? 'Xã Mới',
  )
  console.log(`${before.code}: ${before.name} → ${after.name}`)
}
