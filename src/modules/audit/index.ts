export {
  auditCreatedRow,
  auditCreation,
  recordAudit,
  recordAuditBatch,
  type AuditEntry,
} from './audit.repository.js'
export { auditRoutes } from './audit.routes.js'
export { AUDIT_ENTITIES, type AuditEntity } from './audit.schemas.js'
