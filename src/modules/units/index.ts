export { createUnitsImporter } from './units.import.js'
export { unitsRoutes } from './units.routes.js'
export { createUnitsService, type UnitsService } from './units.service.js'
export { ADMINISTRATIVE_KINDS, COMMUNE_LEVEL_KINDS, isCommuneLevel } from './units.kinds.js'
export { unitChangesRoutes } from './unit-changes.routes.js'
export {
  UnitSummarySchema,
  assertKind,
  assertValidDuring,
  toScopeUnit,
  toUnitSummary,
} from './units.records.js'
export { type UnitRow, namedBy, validOn } from './units.repository.js'
export { importGsoUnits } from './units.gso-import.js'
export { applyReorganisation } from './units.reorg-import.js'
export {
  BUNDLED,
  ReferenceFileError,
  type GsoFile,
  type ReorgFile,
  readGsoFile,
  readReorgFile,
} from './units.reference-files.js'
export { createUnitChangesService, type UnitChangesService } from './unit-changes.service.js'
