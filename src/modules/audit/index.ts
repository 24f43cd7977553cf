export { auditRoutes } from './audit.routes.js'
export { AUDIT_ENTITIES, type AuditEntity } from './audit.schemas.js'
