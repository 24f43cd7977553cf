// npm run import -- <file> --dataset <units|certifications|meetings|reeducation> [--dry-run]
//   [--async] [--url <service>] [--key <api key>]
// Sends a file to POST /v1/imports/{dataset} of a running service, streamed, with a progress bar
// on a terminal; prints the counts, and every row error as a table. Exit status 0 when the
// import succeeded (or the dry run found nothing wrong), 1 otherwise.
import { createReadStream, statSync } from 'node:fs'
import { extname } from 'node:path'
import { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import { SingleBar } from 'cli-progress'
import { CommandError, authorization, problemLine, remoteOf, runRemote } from './remote.js'

const MEDIA_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.ndjson': 'application/x-ndjson',
  '.jsonl': 'application/x-ndjson',
}

interface ImportAnswer {
  id: string
  status: string
  dryRun: boolean
  counts: Record<string, number> | null
  errors: { row: number; pointer: string; code: string; detail: string }[]
  errorsTruncated: boolean
  failure?: string | null
  progress?: { rowsRead: number; bytesRead: number }
  detail?: string
}

/** The row errors, as aligned columns. */
export function errorTable(errors: ImportAnswer['errors']): string {
  const rows = [
    ['row', 'column', 'code', 'detail'],
    ...errors.map((e) => [String(e.row), e.pointer.replace(/^\//, ''), e.code, e.detail]),
  ]
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows
    .map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  '))
    .join('\n')
}

function report(answer: ImportAnswer): boolean {
  const c = answer.counts
  const out = process.stdout
  if (c)
    out.write(
      `${answer.dryRun ? 'dry run: ' : ''}${c.rows} rows: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.rejected} rejected (import ${answer.id})\n`,
    )
  if (answer.errors.length > 0) {
    process.stderr.write(`${errorTable(answer.errors)}\n`)
    if (answer.errorsTruncated) process.stderr.write('(more rows had errors than are listed)\n')
  }
  if (answer.failure) process.stderr.write(`${answer.failure}\n`)
  return answer.status === 'succeeded'
}

async function main(): Promise<boolean> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      dataset: { type: 'string', short: 'd' },
      'dry-run': { type: 'boolean', default: false },
      async: { type: 'boolean', default: false },
      type: { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
    },
  })
  const file = positionals[0]
  if (!file || !values.dataset)
    throw new CommandError(
      'Usage: npm run import -- <file> --dataset <dataset> [--dry-run] [--async] [--url] [--key]',
    )
  const remote = remoteOf(values)
  const type = values.type ?? MEDIA_TYPES[extname(file).toLowerCase()]
  if (!type)
    throw new CommandError(
      `Cannot tell the format of ${file}: give --type text/csv, application/json or application/x-ndjson.`,
    )
  const size = statSync(file).size
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: ' {bar} {percentage}% | {value}/{total} bytes',
        stream: process.stderr,
      })
    : undefined
  bar?.start(size, 0)
  const stream = createReadStream(file)
  let sent = 0
  stream.on('data', (chunk) => bar?.update((sent += chunk.length)))
  const query = new URLSearchParams({
    dryRun: String(values['dry-run']),
    async: String(values.async),
  })
  const response = await fetch(`${remote.url}/v1/imports/${values.dataset}?${query.toString()}`, {
    method: 'POST',
    headers: { ...authorization(remote), 'content-type': type },
    body: Readable.toWeb(stream),
    duplex: 'half',
  })
  bar?.stop()
  if (response.status !== 200 && response.status !== 202 && response.status !== 422)
    throw new CommandError(await problemLine(response))
  let answer = (await response.json()) as ImportAnswer
  if (response.status === 202)
    answer = await follow(remote, response.headers.get('location')!, size)
  return report(answer)
}

/** Polls an async import until it ends, showing how far it has read. */
async function follow(remote: { url: string; key: string }, location: string, size: number) {
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: ' running {bar} {percentage}% | {rows} rows',
        stream: process.stderr,
      })
    : undefined
  bar?.start(size, 0, { rows: 0 })
  for (;;) {
    const response = await fetch(`${remote.url}${location}`, { headers: authorization(remote) })
    if (!response.ok) throw new CommandError(await problemLine(response))
    const answer = (await response.json()) as ImportAnswer
    bar?.update(answer.progress?.bytesRead ?? 0, { rows: answer.progress?.rowsRead ?? 0 })
    if (answer.status === 'succeeded' || answer.status === 'failed') {
      bar?.stop()
      return answer
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

runRemote(main)
