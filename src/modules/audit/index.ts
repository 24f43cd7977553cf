export { recordAudit } from './audit.repository.js'
export { auditRoutes } from './audit.routes.js'
