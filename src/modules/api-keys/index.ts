export { apiKeysRoutes } from './api-keys.routes.js'
export { createApiKeysRepository } from './api-keys.repository.js'
export { actorOf, authenticateAll, type Principal, requireRole } from './authentication.js'
