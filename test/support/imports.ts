// Helpers for the bulk import tests: sending a file, and reading its row errors compactly.
import type { TestApp } from './app.js'

/** POSTs `body` as `type` to the import of `dataset`, with the bootstrap admin key. */
export const importFile =
  (app: () => TestApp, dataset: string) =>
  (body: string, type = 'text/csv', query = '') =>
    app().admin().post(`/v1/imports/${dataset}${query}`).set('content-type', type).send(body)

/** The errors of a refused import as [row, pointer, code]. */
export const rowErrors = (body: { errors: { row: number; pointer: string; code: string }[] }) =>
  body.errors.map((e) => [e.row, e.pointer, e.code])
