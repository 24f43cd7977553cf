// The records kernel: what the feature modules share to read, check, write and audit records —
// code resolution as of a date, row checks, audit writes and batches, export paging. It sits below
// every module and imports none of them.
export type {
  Checked,
  DatasetImporter,
  ExportFilter,
  ExportKey,
  ExportPage,
  ImportContext,
  ImportRecord,
  ImportRowError,
  Outcome,
} from './dataset.js'
export { belowAll, toExportPage } from './export-paging.js'
export {
  UnitCodeColumn,
  unitKeyedRow,
  changedDuringWrite,
  changedMeanwhile,
  checkEach,
  checkRow,
  rowErrorsOf,
} from './row-checks.js'
export {
  type AuditEntry,
  auditCreation,
  auditImported,
  recordAudit,
  recordAuditBatch,
} from './audit.js'
export { type UnitRow, namedBy, validOn } from './unit-refs.js'
export {
  type FieldSpec,
  type Fields,
  type JsonBuilder,
  type SqlType,
  apiValuesOf,
  columnRefs,
  jsonPairs,
  selectedAs,
} from './fields.js'
export {
  type RecordWriter,
  type WriteContext,
  UNIT_CARRIED,
  UNIT_INPUT,
  WRITTEN_UNIT,
  unitValues,
  writeEveryRecord,
  writeRecords,
} from './writer.js'
export { type Removable, removeMatching } from './removal.js'
export { outcomeOf, refuseLocked, storedByUnitAnd, writeBatch } from './import-steps.js'
export {
  type PeriodLock,
  type PeriodOf,
  assertUnlocked,
  periodLocked,
  periodLocks,
} from './period-locks.js'
