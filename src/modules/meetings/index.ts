export { createMeetingsImporter } from './meetings.import.js'
export { meetingsRoutes } from './meetings.routes.js'
