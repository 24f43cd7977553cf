export { unitsRoutes } from './units.routes.js'
export { createUnitsService, type UnitsService } from './units.service.js'
export { COMMUNE_LEVEL_KINDS, PARENT_KINDS, UNIT_KINDS, isCommuneLevel } from './units.kinds.js'
export { UnitSchema } from './units.schemas.js'
