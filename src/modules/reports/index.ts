export { reportsRoutes } from './reports.routes.js'
export { createReportsService, type ReportsService } from './reports.service.js'
export { METRICS, OPS, type Target } from './reports.targets.js'
export { KIND_GROUPS, SummarySchema, type Summary, TargetResultSchema } from './reports.schemas.js'
