export { createCertificationsImporter } from './certifications.import.js'
export { certificationsRoutes } from './certifications.routes.js'
export {
  ELIGIBLE_KINDS,
  excludedSql,
  exclusionOf,
  FIRST_YEAR_OF_124,
} from './certifications.rules.js'
export {
  createCertificationsService,
  type CertificationsService,
} from './certifications.service.js'
