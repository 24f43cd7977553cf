// Row types of the migrated database, kept by hand beside the migrations that define them.
// API types come from the TypeBox schemas of each module, never from here.
import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface ApiKeysTable {
  id: Generated<string>
  name: string
  role: 'admin' | 'editor' | 'viewer'
  scope_unit_id: string | null
  key_hash: string
  key_prefix: string
  created_at: Generated<Date>
  created_by: string | null
  revoked_at: Timestamp | null
  /** The system the key sends records for; scopes meetings' externalId. Null: the key's id. */
  source: string | null
}

export type AuditAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'revoke'
  | 'apply'
  | 'withdraw'
  | 'submit'
  | 'accept'
  | 'return'
  | 'reopen'

export interface AuditEventsTable {
  id: Generated<string>
  occurred_at: Generated<Date>
  actor_key_id: string | null
  actor_name: string
  action: AuditAction
  entity: string
  entity_id: string
  unit_id: string | null
  before: unknown
  after: unknown
  request_id: string | null
  /** The bulk import the change came from, if any. */
  import_id: string | null
  /** The writing transaction's id (xid8, as text; set by the database): the feed's position. */
  txid: ColumnType<string | null, never, never>
}

export type UnitKind =
  | 'province'
  | 'district'
  | 'commune'
  | 'ward'
  | 'town'
  | 'special_zone'
  | 'hamlet'
  | 'agency'
  | 'business'
  | 'school'

export interface UnitsTable {
  id: Generated<string>
  code: string
  name: string
  kind: UnitKind
  parent_id: string | null
  /** ltree of ancestor ids (hex, no dashes) ending with the unit's own. */
  path: string
  code_path: string
  valid_from: string | null
  valid_to: string | null
  attributes: ColumnType<Record<string, unknown>, string | undefined, string>
  search_text: ColumnType<string, never, never>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface UnitChangesTable {
  id: Generated<string>
  type: 'merge' | 'split' | 'rename' | 'reclassify' | 'reparent'
  effective_date: string
  legal_basis: string
  note: string | null
  created_at: Generated<Date>
}

export interface UnitLineageTable {
  predecessor_id: string
  successor_id: string
  coverage: 'full' | 'partial'
  change_id: string
}

export interface CertificationsTable {
  id: Generated<string>
  unit_id: string
  year: number
  result: 'certified' | 'not_certified'
  legal_basis: string
  decision_number: string | null
  decision_date: string | null
  issued_by: string | null
  movement_rating: 'excellent' | 'good' | 'average' | 'weak' | null
  note: string | null
  withdrawn_at: Timestamp | null
  withdrawn_reason: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface MeetingsTable {
  id: Generated<string>
  unit_id: string
  format: 'forum' | 'consultation'
  held_on: string
  attendees: number
  forms_distributed: number | null
  forms_returned: number | null
  opinions_received: number | null
  opinions_answered_on_site: number | null
  opinions_referred: number | null
  tips_received: number | null
  source: string
  external_id: string | null
  note: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface ReeducationCountsTable {
  id: Generated<string>
  unit_id: string
  period: string
  period_type: 'year' | 'half' | 'quarter' | 'month'
  starts_on: string
  ends_on: string
  re_educated: number
  reformed: number
  under_management: number
  by_category: ColumnType<Record<string, number> | null, string | null, string | null>
  by_organisation: ColumnType<Record<string, number> | null, string | null, string | null>
  note: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface IdempotencyKeysTable {
  principal: string
  key: string
  request_hash: string
  response_status: number | null
  response_headers: ColumnType<Record<string, string> | null, string | null, string | null>
  response_body: string | null
  created_at: Generated<Date>
}

export interface CampaignsTable {
  id: Generated<string>
  code: string
  name: string
  year: number
  scope_unit_id: string
  targets: ColumnType<unknown[], string, string>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export type SubmissionStatus = 'submitted' | 'accepted' | 'returned' | 'reopened'

/** One step of a submission's life: who sent, accepted, returned or reopened it, and why. */
export interface SubmissionStep {
  action: 'submit' | 'accept' | 'return' | 'reopen'
  at: string
  by: { keyId: string | null; name: string }
  reason: string | null
}

export interface ReportSubmissionsTable {
  id: Generated<string>
  unit_id: string
  unit_path: string
  year: number
  version: number
  status: SubmissionStatus
  recipient_unit_id: string | null
  submitted_at: Generated<Date>
  submitted_by_key_id: string | null
  submitted_by_name: string
  deadline: string
  on_time: boolean
  note: string | null
  snapshot: ColumnType<Record<string, unknown>, string, string>
  snapshot_sha256: string
  decided_at: Date | null
  decided_by_key_id: string | null
  decided_by_name: string | null
  reason: string | null
  history: ColumnType<SubmissionStep[], string | undefined, string>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export type ImportDataset = 'units' | 'certifications' | 'meetings' | 'reeducation'
export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed'

export interface ImportsTable {
  id: string
  dataset: ImportDataset
  dry_run: boolean
  status: ImportStatus
  actor_key_id: string | null
  actor_name: string
  scope_unit_id: string | null
  /** Who sent it (role, scope, source): a job run later acts as them. */
  caller: ColumnType<ImportCaller, string, string>
  request_id: string | null
  media_type: string
  body_sha256: string | null
  rows_read: Generated<number>
  bytes_read: ColumnType<string, number | undefined, number>
  counts: ColumnType<ImportCounts | null, string | null, string | null>
  errors: ColumnType<ImportRowError[] | null, string | null, string | null>
  errors_truncated: Generated<boolean>
  failure: string | null
  created_at: Generated<Date>
  started_at: Date | null
  finished_at: Date | null
}

export interface ImportCaller {
  keyId: string | null
  name: string
  role: 'viewer' | 'editor' | 'admin'
  scopeUnitId: string | null
  source: string
}

export interface ImportChunksTable {
  import_id: string
  seq: number
  data: Buffer
}

export interface ImportCounts {
  rows: number
  created: number
  updated: number
  unchanged: number
  rejected: number
}

export interface ImportRowError {
  row: number
  pointer: string
  code: string
  detail: string
}

/** A view: the audit events of the feed's entities, placed by their units (migration 20261202T100000). */
export interface ChangesTable {
  /** The writing transaction's id (xid8), as text: with the audit event, the feed's position. */
  txid: ColumnType<string, never, never>
  occurred_at: Date
  entity: string
  entity_id: string
  action: string
  unit_id: string | null
  unit_code: string | null
  unit_path: string | null
  audit_event_id: string
}

export interface ChangeFeedStateTable {
  id: number
  pruned_txid: ColumnType<string, string | undefined, string>
  pruned_id: ColumnType<number, number | undefined, number>
}

export interface ScheduledTasksTable {
  name: string
  next_run_at: Timestamp
  last_run_at: Timestamp | null
  last_run_by: string | null
}

export interface WebhooksTable {
  id: Generated<string>
  url: string
  events: string[]
  description: string | null
  secret: string
  previous_secret: string | null
  previous_secret_expires_at: Timestamp | null
  created_by: string | null
  scope_unit_id: string | null
  enabled: Generated<boolean>
  disabled_reason: string | null
  failing_since: Timestamp | null
  cursor_txid: string
  cursor_id: ColumnType<number, number | string, number | string>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed'

export interface WebhookDeliveriesTable {
  id: Generated<string>
  webhook_id: string
  change_id: ColumnType<number, number | string, number | string>
  event_type: string
  payload: ColumnType<unknown, string, string>
  status: Generated<DeliveryStatus>
  attempts: Generated<number>
  next_attempt_at: Timestamp | null
  locked_until: Timestamp | null
  first_attempt_at: Timestamp | null
  last_attempt_at: Timestamp | null
  last_response_status: number | null
  last_error: string | null
  created_at: Generated<Date>
  delivered_at: Timestamp | null
}

export interface DB {
  changes: ChangesTable
  change_feed_state: ChangeFeedStateTable
  scheduled_tasks: ScheduledTasksTable
  webhooks: WebhooksTable
  webhook_deliveries: WebhookDeliveriesTable
  imports: ImportsTable
  import_chunks: ImportChunksTable
  api_keys: ApiKeysTable
  audit_events: AuditEventsTable
  units: UnitsTable
  unit_changes: UnitChangesTable
  unit_lineage: UnitLineageTable
  certifications: CertificationsTable
  meetings: MeetingsTable
  reeducation_counts: ReeducationCountsTable
  idempotency_keys: IdempotencyKeysTable
  campaigns: CampaignsTable
  report_submissions: ReportSubmissionsTable
}
