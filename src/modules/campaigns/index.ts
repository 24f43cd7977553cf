export { campaignsRoutes } from './campaigns.routes.js'
export { createCampaignsService, type CampaignsService } from './campaigns.service.js'
