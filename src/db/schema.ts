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
}

export interface AuditEventsTable {
  id: Generated<string>
  occurred_at: Generated<Date>
  actor_key_id: string | null
  actor_name: string
  action: 'create' | 'update' | 'delete' | 'revoke' | 'apply'
  entity: string
  entity_id: string
  unit_id: string | null
  before: unknown
  after: unknown
  request_id: string | null
}

export interface DB {
  api_keys: ApiKeysTable
  audit_events: AuditEventsTable
}
