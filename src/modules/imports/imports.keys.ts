// "A file may not name one record twice", for files of millions of rows: the keys seen so far are
// kept in a temporary table of the import's transaction (dropped with it), not in the process's
// memory; each batch adds its keys in one statement and learns which an earlier row named.
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'

export async function createKeyRegister(tx: Kysely<DB>) {
  await sql`create temporary table import_keys (key text primary key, data_row integer not null)
    on commit drop`.execute(tx)

  /** For each of `rows` (key, row) whose key an earlier row named: that earlier row. */
  return async function earlierRows(rows: { key: string; row: number }[]) {
    const earlier = new Map<number, number>()
    // Within the batch first: the register holds each key once.
    const first = new Map<string, number>()
    const fresh: { key: string; row: number }[] = []
    for (const { key, row } of rows) {
      const seen = first.get(key)
      if (seen === undefined) {
        first.set(key, row)
        fresh.push({ key, row })
      } else earlier.set(row, seen)
    }
    if (fresh.length === 0) return earlier
    const { rows: added } = await sql<{ row: number }>`
      insert into import_keys (key, data_row)
      select * from unnest(${fresh.map((f) => f.key)}::text[], ${fresh.map((f) => f.row)}::int[])
      on conflict (key) do nothing
      returning data_row as "row"`.execute(tx)
    if (added.length === fresh.length) return earlier
    const addedRows = new Set(added.map((a) => a.row))
    const named = fresh.filter((f) => !addedRows.has(f.row))
    const { rows: stored } = await sql<{ key: string; row: number }>`
      select key, data_row as "row" from import_keys
      where key = any(${named.map((n) => n.key)}::text[])`.execute(tx)
    const rowOf = new Map(stored.map((s) => [s.key, s.row]))
    for (const { key, row } of named) earlier.set(row, rowOf.get(key)!)
    return earlier
  }
}

export type KeyRegister = Awaited<ReturnType<typeof createKeyRegister>>
