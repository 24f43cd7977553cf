export { apiKeysRoutes } from './api-keys.routes.js'
export { createApiKeysRepository } from './api-keys.repository.js'
export { ROLES, type Role } from './api-keys.schemas.js'
export { actorOf, authenticateAll, type Principal, requireRole } from './authentication.js'
