export { importsRoutes } from './imports.routes.js'
export {
  type Checked,
  type DatasetImporter,
  type ImportContext,
  type ImportRecord,
  changedMeanwhile,
  checkRow,
  rowErrorsOf,
} from './imports.dataset.js'
