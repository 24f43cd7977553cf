export { createReeducationImporter } from './reeducation.import.js'
export { reeducationRoutes } from './reeducation.routes.js'
export { createReeducationService, type ReeducationService } from './reeducation.service.js'
