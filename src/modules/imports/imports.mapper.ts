import type { Import } from './imports.schemas.js'
import type { ImportRow } from './imports.repository.js'

export function toImport(row: ImportRow): Import {
  return {
    id: row.id,
    dataset: row.dataset,
    dryRun: row.dry_run,
    status: row.status,
    counts: row.counts,
    errors: row.errors ?? [],
    errorsTruncated: row.errors_truncated,
    failure: row.failure,
    mediaType: row.media_type,
    bodySha256: row.body_sha256,
    progress: { rowsRead: row.rows_read, bytesRead: Number(row.bytes_read) },
    actor: { keyId: row.actor_key_id, name: row.actor_name },
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  }
}
