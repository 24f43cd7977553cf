// npm run demo: fills the configured database (the embedded one, or DATABASE_URL) with the
// national list of units and Chợ Mới district's 2018 records, through the API's own rules, then
// prints the requests that show the district's report. Running it again changes nothing.
import { randomBytes } from 'node:crypto'
import { buildApp } from '../app.js'
import { ARTICLE_2018, DISTRICT, type Send, recordChoMoi2018 } from '../demo/cho-moi-2018.js'
import { BUNDLED, importGsoUnits, readGsoFile } from '../modules/units/index.js'
import { runCommand } from './cli.js'

await runCommand('demo', async (db, { config, actor, database }) => {
  const started = performance.now()
  const units = await importGsoUnits(db, await readGsoFile(), BUNDLED.units.snapshotDate, actor)
  console.log(
    `national list (${BUNDLED.units.snapshotDate}): ${units.created} units created, ${units.unchanged} already there`,
  )

  // The records go through the real app in this process, as an admin whose key lives only here.
  const key = randomBytes(24).toString('base64url')
  const app = await buildApp(
    { ...config, adminApiKey: key, logLevel: 'silent', rateLimitPerMinute: 0 },
    { database },
  )
  try {
    const send: Send = async (method, url, body) => {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${key}` },
        ...(body ? { payload: body } : {}),
      })
      return { status: response.statusCode, body: response.payload ? response.json() : null }
    }
    const { hamlets } = await recordChoMoi2018(send)
    const report = await send('GET', `/v1/reports/summary?unit=${DISTRICT}&year=2018`)
    const figures = report.body as {
      certifications: { communeLevel: { certified: number; eligible: number } }
      meetings: { forums: number }
    }
    console.log(
      `Chợ Mới (${DISTRICT}) 2018: ${hamlets.length} hamlets and their records; the report answers ` +
        `${figures.certifications.communeLevel.certified}/${figures.certifications.communeLevel.eligible} ` +
        `communes certified and ${figures.meetings.forums} forums (the article: ` +
        `${ARTICLE_2018.communeLevel.certified}/${ARTICLE_2018.communeLevel.eligible}, ${ARTICLE_2018.forums}).`,
    )
  } finally {
    await app.close()
  }
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s. Now:

  ${config.adminApiKey ? '' : 'ADMIN_API_KEY=some-long-random-secret '}npm start
  curl -H "authorization: Bearer $ADMIN_API_KEY" 'http://${config.host}:${config.port}/v1/reports/summary?unit=${DISTRICT}&year=2018'
  curl -H "authorization: Bearer $ADMIN_API_KEY" 'http://${config.host}:${config.port}/v1/reports/summary?unit=${DISTRICT}&year=2018&groupBy=child'
  curl -H "authorization: Bearer $ADMIN_API_KEY" 'http://${config.host}:${config.port}/v1/reports/summary?unit=${DISTRICT}&year=2018&format=csv'`)
})
