export { unitsRoutes } from './units.routes.js'
export { createUnitsService, type UnitsService } from './units.service.js'
export { COMMUNE_LEVEL_KINDS, PARENT_KINDS, UNIT_KINDS, isCommuneLevel } from './units.kinds.js'
export { UnitSchema } from './units.schemas.js'
export { unitChangesRoutes } from './unit-changes.routes.js'
export { createUnitChangesService } from './unit-changes.service.js'
export {
  UnitSummarySchema,
  type UnitSummary,
  assertKind,
  assertValidDuring,
  toUnitSummary,
} from './units.records.js'
export { type UnitRow } from './units.repository.js'
export { ADMINISTRATIVE_KINDS } from './units.kinds.js'
