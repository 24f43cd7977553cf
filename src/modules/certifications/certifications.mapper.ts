import type { LegalBasis } from './certifications.rules.js'
import type { Certification } from './certifications.schemas.js'
import type { CertificationRow } from './certifications.repository.js'

export function toCertification(row: CertificationRow): Certification {
  return {
    id: row.id,
    unit: { id: row.unit_id, code: row.unit_code, name: row.unit_name, kind: row.unit_kind },
    year: row.year,
    result: row.result,
    legalBasis: row.legal_basis as LegalBasis,
    decisionNumber: row.decision_number,
    decisionDate: row.decision_date,
    issuedBy: row.issued_by,
    movementRating: row.movement_rating,
    note: row.note,
    status: row.withdrawn_at ? 'withdrawn' : 'active',
    withdrawal:
      row.withdrawn_at && row.withdrawn_reason
        ? { at: new Date(row.withdrawn_at).toISOString(), reason: row.withdrawn_reason }
        : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
