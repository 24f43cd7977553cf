export { exportsRoutes } from './exports.routes.js'
export { importsRoutes } from './imports.routes.js'
