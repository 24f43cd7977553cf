export { exportsRoutes } from './exports.routes.js'
export { importsRoutes } from './imports.routes.js'
export {
  type Checked,
  type DatasetImporter,
  type ImportContext,
  type ImportRecord,
  type ExportFilter,
  type ExportKey,
  belowAll,
  toExportPage,
  assertWroteAll,
  auditImported,
  splitChanges,
  UnitCodeColumn,
  checkEach,
  rowErrorsOf,
  transactionNow,
} from './imports.dataset.js'
