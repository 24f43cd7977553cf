// Running an import: the file read as it arrives, rows checked in batches by the dataset's own
// rules, written in the same transaction batch by batch, and all of it kept only if every row is
// valid (atomic: one bad row and nothing is written). A dry run goes through the same steps and
// rolls back. One audit event records the import; each record it changed points to it.
import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { type Kysely, sql } from 'kysely'
import { Compile } from 'typebox/compile'
import { lockKey } from '../../db/locks.js'
import type { DB, ImportCaller, ImportCounts, ImportRowError } from '../../db/schema.js'
import type { Asking, Caller } from '../../http/caller.js'
import { HttpProblem, conflict } from '../../http/errors.js'
import { recordAudit, refuseLocked } from '../../records/index.js'
import type {
  Checked,
  DatasetImporter,
  ExportFilter,
  ExportKey,
  ImportContext,
  ImportRecord,
  Outcome,
} from '../../records/index.js'
import {
  BodyMeter,
  type ImportMediaType,
  IMPORT_MEDIA_TYPES,
  readRecords,
} from './imports.formats.js'
import { createKeyRegister } from './imports.keys.js'
import { type ImportEnd, type ImportRow, createImportsRepository } from './imports.repository.js'

export const MAX_LISTED_ERRORS = 1000
/** Rows checked and written together: large enough for set-based statements, small in memory. */
export const BATCH_ROWS = 2000

export interface ImportRequest {
  body: Readable
  mediaType: ImportMediaType
  dryRun: boolean
  /** Store the file and answer at once; a worker of any process runs it. */
  async: boolean
}

/** An async import's file is stored in pieces of this size. */
const CHUNK_BYTES = 1 << 20
const PROGRESS_EVERY_MS = 1000

export interface ImportOutcome {
  row: ImportRow
  /** True when rows broke rules (422): nothing was written. */
  rejected: boolean
}

/** The errors a row of the wrong shape gets, from the compiled row schema. */
function shapeErrors(
  row: number,
  issues: Iterable<{
    keyword: string
    instancePath: string
    params: Record<string, unknown>
    message: string
  }>,
): ImportRowError[] {
  const errors: ImportRowError[] = []
  for (const issue of issues) {
    if (issue.keyword === 'boolean') continue // repeats an additionalProperties issue
    if (issue.keyword === 'additionalProperties') {
      for (const field of issue.params.additionalProperties as string[])
        errors.push({
          row,
          pointer: `/${field}`,
          code: 'UNKNOWN_FIELD',
          detail: 'is not a column of this dataset',
        })
      continue
    }
    if (issue.keyword === 'required') {
      for (const field of issue.params.requiredProperties as string[])
        errors.push({ row, pointer: `/${field}`, code: 'REQUIRED', detail: 'is required' })
      continue
    }
    const code = issue.keyword.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()
    errors.push({ row, pointer: issue.instancePath || '/', code, detail: issue.message })
  }
  return errors.length > 0
    ? errors
    : [{ row, pointer: '/', code: 'INVALID_ROW', detail: 'is not a valid row' }]
}

/**
 * Lists and reports plan with fresh statistics at once, not when autovacuum gets to it: each table
 * the import grew or changed by a tenth or more (autovacuum's own threshold, reached later) is
 * analyzed. A smaller import leaves them be: analyzing the audit took a fifth of a second or more
 * once it held a few hundred thousand events, after every file of a few rows.
 */
async function refreshStatistics(db: Kysely<DB>, tables: readonly string[], counts: ImportCounts) {
  const written = counts.created + counts.updated
  if (written === 0) return
  const { rows } = await sql<{ table: string; estimate: number }>`
    select t.name as table, greatest(c.reltuples, 0)::float8 as estimate
    from unnest(${[...tables]}::text[]) as t(name) join pg_class c on c.oid = t.name::regclass`.execute(
    db,
  )
  for (const { table, estimate } of rows)
    if (written >= 0.1 * estimate) await sql`analyze ${sql.table(table)}`.execute(db)
}

/** Tallies and errors of one import as its rows go by. */
class Tally {
  readonly counts: ImportCounts = { rows: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 }
  readonly errors: ImportRowError[] = []
  truncated = false

  reject(errors: ImportRowError[]) {
    this.counts.rejected += 1
    for (const error of errors) {
      if (this.errors.length < MAX_LISTED_ERRORS) this.errors.push(error)
      else this.truncated = true
    }
  }
}

/** Ends the import's transaction without keeping anything (dry run, or rows with errors). */
class RollBack extends Error {}

export function createImportsService(
  db: Kysely<DB>,
  importers: Record<string, DatasetImporter>,
  /** Whether progress can be written while an import runs (not on a one-connection database). */
  progressWrites: boolean,
) {
  const repository = createImportsRepository(db)

  async function checkAndWrite(
    importer: DatasetImporter,
    records: AsyncIterable<ImportRecord<unknown>>,
    context: ImportContext,
    dryRun: boolean,
    tally: Tally,
  ): Promise<void> {
    const validator = Compile(importer.rowSchema)
    const earlierRows = await createKeyRegister(context.tx)
    // A batch: the rows to check, and the rows already refused for their shape, so that errors
    // are tallied (and the first 1,000 listed) in row order.
    let batch: ImportRecord[] = []
    let refused: { row: number; errors: ImportRowError[] }[] = []
    let writing: Promise<void> | undefined

    const flush = async () => {
      let checked: Checked<unknown>[] = []
      try {
        const earlier = await earlierRows(
          batch.map(({ row, value }) => ({ key: importer.keyOf(value), row })),
        )
        const named = batch.filter(({ row }) => !earlier.has(row))
        for (const [row, first] of earlier)
          refused.push({
            row,
            errors: [
              {
                row,
                pointer: importer.keyPointer,
                code: 'DUPLICATE_RECORD',
                detail: `names the same record as row ${first}; a file may name each record once`,
              },
            ],
          })
        if (named.length > 0) checked = await importer.check(named, context)
        if (importer.periodsOf)
          checked = await refuseLocked(context.tx, checked, importer.periodsOf, importer.keyPointer)
      } catch (error) {
        // A failed write aborts the transaction, and this check with it: report the write's.
        await writing
        throw error
      }
      const results = [...checked, ...refused].sort((a, b) => a.row - b.row)
      batch = []
      refused = []
      const changes: { outcome: Outcome; change: unknown }[] = []
      for (const result of results) {
        if ('errors' in result) {
          tally.reject(result.errors)
          continue
        }
        tally.counts[result.outcome] += 1
        if (result.outcome !== 'unchanged') changes.push(result)
      }
      // The previous batch's write ran while this one was read and checked; they take turns on
      // the transaction's connection, and the rows of a file name different records.
      await writing
      writing = undefined
      // Once a row is refused nothing will be kept: the rest are only checked.
      if (!dryRun && tally.counts.rejected === 0 && changes.length > 0) {
        writing = importer.write(changes, context)
        writing.catch(() => undefined) // awaited at the next batch or at the end
      }
    }

    for await (const { row, value } of records) {
      tally.counts.rows = row
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        refused.push({
          row,
          errors: [{ row, pointer: '/', code: 'INVALID_ROW', detail: 'is not an object' }],
        })
      } else if (!validator.Check(value)) {
        refused.push({ row, errors: shapeErrors(row, validator.Errors(value) as never) })
      } else {
        batch.push({ row, value: value })
      }
      if (batch.length + refused.length >= BATCH_ROWS) await flush()
    }
    await flush()
    await writing
  }

  /** Starts an import: in this request to the end, or (async) once its file is stored. */
  async function run(
    dataset: string,
    request: ImportRequest,
    { caller, actor }: Asking,
    limitBytes: number,
  ): Promise<ImportOutcome> {
    const importer = importers[dataset]!
    const id = randomUUID()
    const row = await repository.start({
      id,
      dataset: importer.dataset,
      dry_run: request.dryRun,
      status: 'running',
      actor_key_id: actor.keyId,
      actor_name: actor.name,
      scope_unit_id: caller?.scopeUnitId ?? null,
      caller: JSON.stringify(callerOf(caller)),
      request_id: actor.requestId,
      media_type: request.mediaType,
    })
    const meter = new BodyMeter(limitBytes)
    if (request.async) return { row: await receive(row, request.body, meter), rejected: false }
    return execute(row, () => request.body, meter)
  }

  /**
   * Stores an async import's file in chunks, as it arrives, and queues it: in one transaction
   * holding the import's lock, so that a process dying mid-upload leaves no chunk and a sweep
   * fails the import.
   */
  async function receive(row: ImportRow, body: Readable, meter: BodyMeter): Promise<ImportRow> {
    try {
      return await db.transaction().execute(async (tx) => {
        await lockKey(tx, 'import', row.id)
        let seq = 0
        const metered = body.pipe(meter)
        body.on('error', (error) => metered.destroy(error))
        for await (const chunk of chunked(metered, CHUNK_BYTES))
          await repository.saveChunk(row.id, seq++, chunk, tx)
        return repository.queue(row.id, { bodySha256: meter.sha256(), bytesRead: meter.bytes }, tx)
      })
    } catch (error) {
      await repository.finish(row.id, failedEnd(error, 0, meter.bytes))
      throw error
    }
  }

  /**
   * Runs an import to the end in one transaction: reads its file, checks and writes its rows,
   * records the outcome. The file comes from the request, or from the stored chunks (`tx` given).
   */
  async function execute(
    row: ImportRow,
    openBody: (tx: Kysely<DB>) => Readable,
    meter: BodyMeter,
  ): Promise<ImportOutcome> {
    const importer = importers[row.dataset]!
    const { id } = row
    const caller = row.caller
    const actor = { keyId: row.actor_key_id, name: row.actor_name, requestId: row.request_id }
    const format = IMPORT_MEDIA_TYPES[row.media_type as ImportMediaType]
    const tally = new Tally()
    // Other processes read progress from the row; the embedded database has one connection,
    // held by the import, so there the row says how far it got at the end only.
    const progress = progressWrites
      ? setInterval(() => {
          repository.progress(id, tally.counts.rows, meter.bytes).catch(() => {})
        }, PROGRESS_EVERY_MS)
      : undefined
    try {
      await db.transaction().execute(async (tx) => {
        // Held while the import runs: a sweep finding it free knows the runner is gone.
        await lockKey(tx, 'import', id)
        if (!(await repository.stillRunning(id, tx)))
          throw conflict(
            'IMPORT_ABANDONED',
            'The import was taken for abandoned before it ran; send the file again.',
          )
        const context: ImportContext = { tx, caller, actor, importId: id }
        const records = readRecords(openBody(tx), format, importer.rowSchema, meter)
        await checkAndWrite(importer, records, context, row.dry_run, tally)
        clearInterval(progress)
        if (row.dry_run || tally.counts.rejected > 0) throw new RollBack()
        await recordAudit(tx, actor, {
          action: 'create',
          entity: 'import',
          entityId: id,
          after: {
            id,
            dataset: importer.dataset,
            counts: tally.counts,
            bodySha256: meter.sha256(),
            mediaType: row.media_type,
          },
        })
        await repository.finish(id, endOf(tally, meter, 'succeeded'), tx)
      })
    } catch (error) {
      clearInterval(progress)
      if (!(error instanceof RollBack)) {
        await repository.finish(id, failedEnd(error, tally.counts.rows, meter.bytes))
        throw error
      }
      const rejected = tally.counts.rejected > 0
      const ended = await repository.finish(
        id,
        endOf(tally, meter, rejected ? 'failed' : 'succeeded'),
      )
      return { row: ended, rejected }
    }
    await refreshStatistics(db, [...importer.tables, 'audit_events'], tally.counts)
    return { row: (await repository.findById(id))!, rejected: false }
  }

  /** Runs the oldest queued import, if any; false when none was waiting. */
  async function runNextQueued(log: { error: (o: object, m: string) => void }): Promise<boolean> {
    const job = await repository.claimNext()
    if (!job) return false
    try {
      await execute(
        job,
        (tx) => Readable.from(repository.chunks(job.id, tx)),
        new BodyMeter(Infinity),
      )
    } catch (error) {
      // The job ended and its file went with it; a job that could not end is left `running`,
      // file and all, for the sweep of abandoned jobs.
      if (!(error instanceof HttpProblem))
        log.error({ err: error, importId: job.id }, 'import failed')
    }
    return true
  }

  return {
    find: repository.findById,
    /** One page of a dataset's export (see DatasetImporter.exportPage). */
    exportPage: (
      importer: DatasetImporter,
      filter: ExportFilter,
      after: ExportKey | null,
      limit: number,
    ) => importer.exportPage(filter, after, limit, db),
    list: repository.list,
    run,
    runNextQueued,
    sweep: repository.failAbandoned,
  }
}

/** What a job run later acts as: the caller who sent the file. */
function callerOf(caller: Caller | null): ImportCaller {
  return {
    keyId: caller?.keyId ?? null,
    name: caller?.name ?? 'anonymous',
    role: caller?.role ?? 'viewer',
    scopeUnitId: caller?.scopeUnitId ?? null,
    source: caller?.source ?? 'unknown',
  }
}

function failedEnd(error: unknown, rowsRead: number, bytesRead: number): ImportEnd {
  return {
    status: 'failed',
    counts: null,
    errors: [],
    errorsTruncated: false,
    bodySha256: null,
    rowsRead,
    bytesRead,
    failure: error instanceof HttpProblem ? error.message : 'The import failed.',
  }
}

/** The stream's bytes regrouped in chunks of `size` (the last one shorter). */
async function* chunked(stream: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = []
  let length = 0
  for await (const part of stream) {
    parts.push(part)
    length += part.length
    if (length >= size) {
      yield Buffer.concat(parts)
      parts = []
      length = 0
    }
  }
  if (length > 0) yield Buffer.concat(parts)
}

function endOf(tally: Tally, meter: BodyMeter, status: 'succeeded' | 'failed') {
  return {
    status,
    counts: tally.counts,
    errors: tally.errors,
    errorsTruncated: tally.truncated,
    bodySha256: meter.sha256(),
    rowsRead: tally.counts.rows,
    bytesRead: meter.bytes,
  }
}

export type ImportsService = ReturnType<typeof createImportsService>
