export { createReeducationImporter } from './reeducation.import.js'
export { reeducationRoutes } from './reeducation.routes.js'
