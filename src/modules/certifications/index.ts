export { certificationsRoutes } from './certifications.routes.js'
export {
  ELIGIBLE_KINDS,
  EXCLUDED_UNDER_124_SQL,
  FIRST_YEAR_OF_124,
} from './certifications.rules.js'
