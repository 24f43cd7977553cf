export { type Actor, type AuditEntry, recordAudit } from './audit.repository.js'
export { auditRoutes } from './audit.routes.js'
