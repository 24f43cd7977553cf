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
  checkEach,
  outcomeOf,
  writeBatch,
} from '../../records/index.js'
import type { UnitRow, UnitsService } from '../units/index.js'
import { exportMeetings } from './meetings.export.js'
import { WRITTEN_FIELDS } from './meetings.record.js'
import type { MeetingRow } from './meetings.repository.js'
import { type CreateMeeting, CreateMeetingBody } from './meetings.schemas.js'
import { assertHeldOn, assertHost, valuesOf } from './meetings.service.js'
import { type MeetingValues, writeEveryMeeting } from './meetings.writer.js'

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

interface Change {
  unit: UnitRow
  externalId: string
  values: MeetingValues
  stored: MeetingRow | undefined
}

const RENAME = { '/unitRef': '/unitCode', ref: '/unitCode' }

const same = (stored: MeetingRow, unit: UnitRow, values: MeetingValues) =>
  stored.unit_id === unit.id &&
  Object.values(WRITTEN_FIELDS).every(({ column }) => stored[column] === values[column])

async function storedOf(tx: Kysely<DB>, source: string, externalIds: string[]) {
  const { rows } = await sql<MeetingRow>`
    select m.*, u.code as unit_code, u.name as unit_name, u.kind as unit_kind, u.path as unit_path
    from unnest(${externalIds}::text[]) as k(external_id)
    join meetings m on m.source = ${source} and m.external_id = k.external_id
    join units u on u.id = m.unit_id`.execute(tx)
  return new Map(rows.map((row) => [row.external_id!, row]))
}

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
      // A row is the whole meeting: a measure left out is not recorded.
      return valuesOf(value)
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
      const outcome = outcomeOf(existing, (s) => same(s, p.unit, p.values))
      results.push({ row: p.row, outcome, change: { stored: existing, ...p } })
    }
    return results
  }

  const write = (checked: { change: unknown }[], context: ImportContext) =>
    writeBatch<Change>(checked, context, (tx, changes, writeContext) =>
      writeEveryMeeting(
        tx,
        changes.map((c) => ({
          unitRef: c.unit.id,
          values: c.values,
          externalId: c.externalId,
          ...(c.stored ? { replaces: { id: c.stored.id, updatedAt: c.stored.updated_at } } : {}),
        })),
        {
          ...writeContext,
          source: context.caller?.source ?? 'unknown',
          // The rows' units were checked against the key's scope when the batch was.
          scopePath: null,
        },
      ),
    )

  return {
    dataset: 'meetings',
    rowSchema: MeetingImportRow,
    keyOf: (value) => cleanText(String(value.externalId)),
    keyPointer: '/externalId',
    check,
    // A meeting moved to another year or host leaves its stored one's year too.
    periodsOf: (change) => {
      const c = change as Change
      const year = (date: string) => Number(date.slice(0, 4))
      return [
        { unitId: c.unit.id, year: year(c.values.held_on as string) },
        ...(c.stored ? [{ unitId: c.stored.unit_id, year: year(c.stored.held_on) }] : []),
      ]
    },
    write,
    exportFilters: ['from', 'to'],
    exportPage: exportMeetings,
    tables: ['meetings'],
  }
}
