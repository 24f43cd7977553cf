export { reportSubmissionsRoutes } from './report-submissions.routes.js'
export {
  createSubmissionsService,
  type SubmissionsService,
  sha256OfCanonical,
} from './report-submissions.service.js'
