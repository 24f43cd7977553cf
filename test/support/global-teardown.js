// Drops this run's databases on the server (the embedded database's dumps stay for the next run).
import pg from 'pg'

export default async function globalTeardown() {
  const serverUrl = process.env.TEST_DATABASE_URL
  const runId = process.env.ANTQ_TEST_RUN_ID
  if (serverUrl && runId) {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    try {
      const { rows } = await client.query('select datname from pg_database where datname like $1', [
        `antq_test_${runId}_%`,
      ])
      for (const { datname } of rows)
        await client.query(`drop database if exists "${datname}" with (force)`)
    } finally {
      await client.end()
    }
  }
}
