export { campaignsRoutes } from './campaigns.routes.js'
