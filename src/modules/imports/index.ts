export { importsRoutes } from './imports.routes.js'
export {
  type Checked,
  type DatasetImporter,
  type ImportContext,
  type ImportRecord,
  assertWroteAll,
  auditImported,
  splitChanges,
  checkEach,
  rowErrorsOf,
  transactionNow,
} from './imports.dataset.js'
