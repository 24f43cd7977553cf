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

export interface DB {
  api_keys: ApiKeysTable
  audit_events: AuditEventsTable
  units: UnitsTable
  unit_changes: UnitChangesTable
  unit_lineage: UnitLineageTable
}
