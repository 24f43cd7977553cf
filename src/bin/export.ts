// npm run export -- <units|certifications|meetings|reeducation> [--under <unit>] [--year <y>]
//   [--from <date>] [--to <date>] [--period <p>] [--as-of <date>] [--format csv|ndjson|json]
//   [--url <service>] [--key <api key>]  > file.csv
// Streams GET /v1/exports/{dataset} of a running service to standard output (or --out <file>):
// the file its import reads back unchanged.
import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { CommandError, authorization, problemLine, remoteOf, runRemote } from './remote.js'

async function main(): Promise<boolean> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      under: { type: 'string' },
      year: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      period: { type: 'string' },
      'as-of': { type: 'string' },
      format: { type: 'string', default: 'csv' },
      out: { type: 'string', short: 'o' },
      url: { type: 'string' },
      key: { type: 'string' },
    },
  })
  const dataset = positionals[0]
  if (!dataset)
    throw new CommandError(
      'Usage: npm run export -- <dataset> [filters] [--format csv|ndjson|json] > file',
    )
  const remote = remoteOf(values)
  const query = new URLSearchParams({ format: values.format })
  for (const name of ['under', 'year', 'from', 'to', 'period'] as const)
    if (values[name] !== undefined) query.set(name, values[name])
  if (values['as-of']) query.set('asOf', values['as-of'])
  const response = await fetch(`${remote.url}/v1/exports/${dataset}?${query.toString()}`, {
    headers: authorization(remote),
  })
  if (!response.ok || !response.body) throw new CommandError(await problemLine(response))
  const target = values.out ? createWriteStream(values.out) : process.stdout
  await pipeline(Readable.fromWeb(response.body as never), target)
  return true
}

runRemote(main)
