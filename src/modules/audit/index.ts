export { auditRoutes } from './audit.routes.js'
export { AUDIT_ENTITIES, type AuditEntity } from './audit.schemas.js'
export { createAuditService, type AuditService } from './audit.repository.js'
