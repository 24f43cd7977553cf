export { exportsRoutes } from './exports.routes.js'
export { importsRoutes } from './imports.routes.js'
export { createImportsService, type ImportsService } from './imports.service.js'
export { type ImportWorker, startImportWorker } from './imports.worker.js'
