export { meetingsRoutes } from './meetings.routes.js'
