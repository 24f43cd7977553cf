export {
  auditCreatedRow,
  auditCreation,
  recordAudit,
  recordImportedChanges,
} from './audit.repository.js'
export { auditRoutes } from './audit.routes.js'
