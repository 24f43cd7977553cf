export { apiKeysRoutes } from './api-keys.routes.js'
export { createApiKeysRepository } from './api-keys.repository.js'
export { createCallerLookup } from './api-keys.lookup.js'
export { createApiKeysService, type ApiKeysService } from './api-keys.service.js'
