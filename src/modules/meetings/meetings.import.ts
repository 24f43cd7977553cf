// Meetings in bulk (POST /v1/imports/meetings): each row is a whole meeting, known by its
// `externalId` within the key's source (what makes a re-sent file change nothing), checked by the
// same functions as POST /v1/meetings (not in the future, host unit as of the day held, of a kind
// that holds the format, valid that day) and written set-based, batch by batch.
import { type Kysely, sql } from 'kysely'
import Type from 'typebox'
import type { DB } from '../../db/schema.js'
import { cleanText } from '../../http/dates.js'
import {
  type Checked,
  type DatasetImporter,
  type ImportContext,
  type ImportRecord,
  UnitCodeColumn,
  assertWroteAll,
  auditImported,
  checkEach,
  splitChanges,
  transactionNow,
} from '../../records/index.js'
import type { UnitsService } from '../units/index.js'
import type { UnitRow } from '../../records/index.js'
import { toMeeting } from './meetings.mapper.js'
import type { MeetingRow } from './meetings.repository.js'
import { type CreateMeeting, CreateMeetingBody } from './meetings.schemas.js'
import { MEASURES, assertHeldOn, assertHost } from './meetings.service.js'
import { exportMeetings } from './meetings.export.js'

// The body of POST /v1/meetings with `unitRef` as a code (`unitCode`) and `externalId` required.
const { externalId } = CreateMeetingBody.properties
const fields = Type.Omit(CreateMeetingBody, ['unitRef', 'externalId']).properties

export const MeetingImportRow = Type.Object(
  {
    externalId: Type.String({
      ...externalId,
      description: 'Its id in the sending system: required here, it names the meeting in re-sends.',
    }),
    unitCode: UnitCodeColumn('`heldOn`'),
    ...fields,
  },
  { additionalProperties: false, title: 'MeetingImportRow' },
)
type Row = Omit<CreateMeeting, 'unitRef'> & { unitCode: string; externalId: string }

const COLUMNS = [
  'unit_id',
  'format',
  'held_on',
  ...MEASURES.map(([, column]) => column),
  'note',
] as const
type Values = Record<(typeof COLUMNS)[number], string | number | null>
const CAST: Record<string, string> = {
  unit_id: 'uuid',
  format: 'text',
  held_on: 'date',
  note: 'text',
}
const castOf = (column: string) => CAST[column] ?? 'int'

interface Change {
  unit: UnitRow
  externalId: string
  values: Values
  stored: MeetingRow | undefined
}

const RENAME = { '/unitRef': '/unitCode', ref: '/unitCode' }

function valuesOf(unit: UnitRow, row: Row): Values {
  const values: Record<string, string | number | null> = {
    unit_id: unit.id,
    format: row.format,
    held_on: row.heldOn,
    note: row.note ? cleanText(row.note) || null : null,
  }
  // A row is the whole meeting: a measure left out is not recorded.
  for (const [field, column] of MEASURES) values[column] = row[field] ?? null
  return values as Values
}

const same = (stored: MeetingRow, values: Values) =>
  COLUMNS.every((column) => stored[column] === values[column])

async function storedOf(tx: Kysely<DB>, source: string, externalIds: string[]) {
  const { rows } = await sql<MeetingRow>`
    select m.*, u.code as unit_code, u.name as unit_name, u.kind as unit_kind, u.path as unit_path
    from unnest(${externalIds}::text[]) as k(external_id)
    join meetings m on m.source = ${source} and m.external_id = k.external_id
    join units u on u.id = m.unit_id`.execute(tx)
  return new Map(rows.map((row) => [row.external_id!, row]))
}

const arrays = (changes: Change[]) =>
  COLUMNS.map(
    (column) => sql`${changes.map((c) => c.values[column])}::${sql.raw(castOf(column))}[]`,
  )

export function createMeetingsImporter(units: UnitsService): DatasetImporter {
  async function check(batch: ImportRecord[], { tx, caller }: ImportContext) {
    const rows = batch as ImportRecord<Row>[]
    const source = caller?.source ?? 'unknown'
    const resolved = await units.resolveCodes(
      rows.map(({ value }) => ({ code: value.unitCode, date: value.heldOn })),
      caller,
      tx,
    )
    const { refused, accepted } = checkEach(rows, resolved, RENAME, '/unitCode', (unit, value) => {
      assertHeldOn(value.heldOn)
      assertHost(unit, value.format, value.heldOn)
      return valuesOf(unit, value)
    })
    const pending = accepted.map(({ row, unit, value, checked }) => ({
      row,
      unit,
      externalId: cleanText(value.externalId),
      values: checked,
    }))
    const results: Checked<Change>[] = refused
    const stored = await storedOf(
      tx,
      source,
      pending.map((p) => p.externalId),
    )
    for (const p of pending) {
      const existing = stored.get(p.externalId)
      const outcome = !existing ? 'created' : same(existing, p.values) ? 'unchanged' : 'updated'
      results.push({ row: p.row, outcome, change: { ...p, stored: existing } })
    }
    return results
  }

  async function write(checked: { change: unknown }[], context: ImportContext) {
    const { tx, caller } = context
    const source = caller?.source ?? 'unknown'
    const now = await transactionNow(tx)
    const { fresh, replaced } = splitChanges<Change>(checked)
    const columns = sql.join(COLUMNS.map((c) => sql.ref(c)))
    if (fresh.length > 0) {
      const inserted = await sql`
        insert into meetings (id, source, external_id, ${columns})
        select v.id, ${source}, v.external_id, ${sql.join(COLUMNS.map((c) => sql.ref(`v.${c}`)))}
        from unnest(${fresh.map((c) => c.id)}::uuid[], ${fresh.map((c) => c.externalId)}::text[],
          ${sql.join(arrays(fresh))}) as v(id, external_id, ${columns})
        on conflict (source, external_id) where external_id is not null do nothing`.execute(tx)
      assertWroteAll(inserted, fresh.length)
    }
    if (replaced.length > 0) {
      const updated = await sql`
        update meetings m
        set ${sql.join(COLUMNS.map((column) => sql`${sql.ref(column)} = v.${sql.ref(column)}`))},
          updated_at = now()
        from unnest(${replaced.map((c) => c.stored!.id)}::uuid[],
          ${replaced.map((c) => c.stored!.updated_at)}::timestamptz[], ${sql.join(arrays(replaced))})
          as v(id, seen, ${columns})
        where m.id = v.id and m.updated_at = v.seen`.execute(tx)
      assertWroteAll(updated, replaced.length)
    }
    await auditImported(
      context,
      'meeting',
      [...fresh, ...replaced].map((c) => ({
        id: c.id,
        unitId: c.unit.id,
        created: !c.stored,
        before: c.stored && toMeeting(c.stored),
        after: toMeeting({
          ...(c.values as unknown as MeetingRow),
          id: c.id,
          source,
          external_id: c.externalId,
          unit_code: c.unit.code,
          unit_name: c.unit.name,
          unit_kind: c.unit.kind,
          unit_path: c.unit.path,
          created_at: c.stored?.created_at ?? now,
          updated_at: now,
        }),
      })),
    )
  }

  return {
    dataset: 'meetings',
    columns: Object.keys(MeetingImportRow.properties),
    rowSchema: MeetingImportRow,
    keyOf: (value) => cleanText(String(value.externalId)),
    keyPointer: '/externalId',
    check,
    write,
    exportFilters: ['from', 'to'],
    exportPage: exportMeetings,
    tables: ['meetings', 'audit_events'],
  }
}
