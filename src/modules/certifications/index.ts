export { certificationsRoutes } from './certifications.routes.js'
export {
  ELIGIBLE_KINDS,
  LEGAL_BASES,
  defaultLegalBasis,
  excludedUnder124,
} from './certifications.rules.js'
