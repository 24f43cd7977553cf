// The composition root: every service of the app built once, over one database, in dependency
// order; route plugins and background workers receive them from here (background.ts starts the
// workers, app.ts registers the routes).
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import {
  createApiKeysRepository,
  createApiKeysService,
  createCallerLookup,
} from './modules/api-keys/index.js'
import { createAuditService } from './modules/audit/index.js'
import { createCampaignsService } from './modules/campaigns/index.js'
import {
  createCertificationsImporter,
  createCertificationsService,
} from './modules/certifications/index.js'
import { type ChangeSignal, createChangesService } from './modules/changes/index.js'
import { createImportsService } from './modules/imports/index.js'
import { createMeetingsImporter, createMeetingsService } from './modules/meetings/index.js'
import { createReeducationImporter, createReeducationService } from './modules/reeducation/index.js'
import { createReportsService } from './modules/reports/index.js'
import { createSubmissionsService } from './modules/report-submissions/index.js'
import {
  createUnitChangesService,
  createUnitsImporter,
  createUnitsService,
} from './modules/units/index.js'
import { createWebhooksRepository, createWebhooksService } from './modules/webhooks/index.js'

export function createServices(config: Config, database: Database, changeSignal: ChangeSignal) {
  const { db } = database
  const callers = createCallerLookup(createApiKeysRepository(db), config.adminApiKey)
  const units = createUnitsService(db)
  const reports = createReportsService(db, units)
  const importers = [
    createUnitsImporter(units),
    createCertificationsImporter(units),
    createMeetingsImporter(units),
    createReeducationImporter(units),
  ]
  const webhooksRepository = createWebhooksRepository(db)
  return {
    db,
    callers,
    units,
    unitChanges: createUnitChangesService(db, units),
    // A revocation makes the caller lookup forget the keys it remembers.
    apiKeys: createApiKeysService(db, units, callers.forget),
    certifications: createCertificationsService(db, units),
    meetings: createMeetingsService(db, units),
    reeducation: createReeducationService(db, units),
    reports,
    reportSubmissions: createSubmissionsService(db, units, reports, config.reportDeadlines),
    campaigns: createCampaignsService(db, units),
    importers,
    imports: createImportsService(
      db,
      Object.fromEntries(importers.map((importer) => [importer.dataset, importer])),
      // Progress is written while an import runs, but not on a one-connection database.
      database.kind === 'postgres',
    ),
    audit: createAuditService(db),
    changes: createChangesService(db, units, changeSignal),
    webhooksRepository,
    webhooks: createWebhooksService(db, webhooksRepository, units, config.webhookAllowedHosts),
  }
}

export type Services = ReturnType<typeof createServices>
