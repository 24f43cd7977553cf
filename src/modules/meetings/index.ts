export { createMeetingsImporter } from './meetings.import.js'
export { meetingsRoutes } from './meetings.routes.js'
export { createMeetingsService, type MeetingsService } from './meetings.service.js'
