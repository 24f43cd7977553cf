// Every migration, in order. Listed by hand so that the compiled service, tsx and Jest all load
// the same set without reading a folder at run time; a test checks that no file is left out.
import type { Migration } from 'kysely'
import * as enableExtensions from './20261128T090000-enable-extensions.js'
import * as createApiKeys from './20261128T090100-create-api-keys.js'
import * as createAuditEvents from './20261128T090200-create-audit-events.js'
import * as createUnits from './20261128T100000-create-units.js'
import * as createCertifications from './20261128T120000-create-certifications.js'
import * as createMeetings from './20261128T120100-create-meetings.js'
import * as createReeducationCounts from './20261128T120200-create-reeducation-counts.js'
import * as createIdempotencyKeys from './20261128T120300-create-idempotency-keys.js'
import * as createCampaigns from './20261128T130000-create-campaigns.js'
import * as createImports from './20261129T090000-create-imports.js'
import * as createChangeFeed from './20261129T180000-create-change-feed.js'
import * as createWebhooks from './20261129T180100-create-webhooks.js'
import * as unitsCodeOverlapByHash from './20261202T090000-units-code-overlap-by-hash.js'
import * as changeFeedFromAuditEvents from './20261202T100000-change-feed-from-audit-events.js'
import * as webhookDeliveriesFirstAttempt from './20261202T120000-webhook-deliveries-first-attempt.js'
import * as createReportSubmissions from './20261203T090000-create-report-submissions.js'

export const migrations: Record<string, Migration> = {
  '20261128T090000-enable-extensions': enableExtensions,
  '20261128T090100-create-api-keys': createApiKeys,
  '20261128T090200-create-audit-events': createAuditEvents,
  '20261128T100000-create-units': createUnits,
  '20261128T120000-create-certifications': createCertifications,
  '20261128T120100-create-meetings': createMeetings,
  '20261128T120200-create-reeducation-counts': createReeducationCounts,
  '20261128T120300-create-idempotency-keys': createIdempotencyKeys,
  '20261128T130000-create-campaigns': createCampaigns,
  '20261129T090000-create-imports': createImports,
  '20261129T180000-create-change-feed': createChangeFeed,
  '20261129T180100-create-webhooks': createWebhooks,
  '20261202T090000-units-code-overlap-by-hash': unitsCodeOverlapByHash,
  '20261202T100000-change-feed-from-audit-events': changeFeedFromAuditEvents,
  '20261202T120000-webhook-deliveries-first-attempt': webhookDeliveriesFirstAttempt,
  '20261203T090000-create-report-submissions': createReportSubmissions,
}
