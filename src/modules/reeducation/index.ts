export { reeducationRoutes } from './reeducation.routes.js'
export { parsePeriod, type Period } from './reeducation.periods.js'
