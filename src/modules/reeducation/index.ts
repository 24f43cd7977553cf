export { reeducationRoutes } from './reeducation.routes.js'
