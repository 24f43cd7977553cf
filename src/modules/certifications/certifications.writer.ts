// The one writer of certifications (the records kernel's writer over this table): a PUT (a batch
// of one) and an import's batch, once the units and values have passed the PUT's checks. A first
// record is inserted, a stored one (active or withdrawn) replaced only if unchanged since read;
// the audit's before and after are built by the database from the rows (certificationJson).
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { DB, UnitKind } from '../../db/schema.js'
import {
  type RecordWriter,
  UNIT_CARRIED,
  UNIT_INPUT,
  WRITTEN_UNIT,
  type WriteContext,
  unitValues,
  writeEveryRecord,
  writeRecords,
} from '../../records/index.js'
import { WRITTEN_FIELDS, certificationJson } from './certifications.record.js'
import type { CertificationRow, CertificationValues } from './certifications.repository.js'

export interface CertificationWrite {
  unit: { id: string; code: string; name: string; kind: UnitKind }
  year: number
  values: CertificationValues
  /** The stored record this write replaces, as read: written only if unchanged since. */
  replaces?: { id: string; updatedAt: Date } | undefined
}

const WRITTEN = Object.values(WRITTEN_FIELDS)

const writer: RecordWriter<CertificationWrite> = {
  table: 'certifications',
  entity: 'certification',
  input: [...UNIT_INPUT, { column: 'year', type: 'integer' }, ...WRITTEN],
  valuesOf: (w) => Object.assign(unitValues(w.unit), { year: w.year }, w.values),
  replacesOf: (w) => w.replaces,
  periodYear: (alias) => sql`${sql.ref(`${alias}.year`)}`,
  inserted: [{ column: 'unit_id' }, { column: 'year' }, ...WRITTEN],
  replaced: WRITTEN,
  // Replacing a withdrawn record makes it active again.
  alsoOnReplace: sql`, withdrawn_at = null, withdrawn_reason = null`,
  conflict: sql`(unit_id, year)`,
  carried: UNIT_CARRIED,
  audit: {
    // A record that did not count (none, or withdrawn) counts again: a creation.
    created: sql`p.id is null or p.withdrawn_at is not null`,
    before: sql`case when p.id is null then null else ${certificationJson('p', 'wu', 'jsonb')} end`,
    after: sql`${certificationJson('w', 'wu', 'jsonb')}`,
    joins: WRITTEN_UNIT,
  },
}

/** The written records, in the order of `writes`; undefined where another writer came first. */
export const writeCertifications = (
  db: Kysely<DB>,
  writes: readonly CertificationWrite[],
  context: WriteContext,
) => writeRecords<CertificationWrite, CertificationRow>(db, writer, writes, context)

/** Whether every write was written (an import's batch, which needs no rows back). */
export const writeEveryCertification = (
  db: Kysely<DB>,
  writes: readonly CertificationWrite[],
  context: WriteContext,
) => writeEveryRecord(db, writer, writes, context)
