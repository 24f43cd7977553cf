export { reportsRoutes } from './reports.routes.js'
export { createReportsService, type ReportsService } from './reports.service.js'
export { METRICS, OPS, type Target } from './reports.targets.js'
export { KIND_GROUPS, TargetResultSchema } from './reports.schemas.js'
