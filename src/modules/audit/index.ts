export { auditCreatedRow, auditCreation, recordAudit } from './audit.repository.js'
export { auditRoutes } from './audit.routes.js'
