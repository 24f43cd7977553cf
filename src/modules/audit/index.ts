export { type Actor, type AuditEntry, recordAudit } from './audit.repository.js'
