import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problemResponses } from '../../http/problem.schema.js'
import { requireRole } from '../../http/caller.js'
import type { ChangesService } from './changes.service.js'
import { ChangeListQuery, ChangePage, MAX_WAIT_SECONDS } from './changes.schemas.js'

export const changesRoutes: FastifyPluginAsyncTypebox<{ changes: ChangesService }> = async (
  app,
  { changes },
) => {
  app.get('', {
    onRequest: requireRole('viewer'),
    schema: {
      operationId: 'listChanges',
      description: [
        'Every committed write to units, reorganisations, certifications, meetings, re-education counts, campaigns and imports, in the order of the transactions that made them, each with the record after the change. Only changes the key may see: a scoped key sees its subtree and the national changes (reorganisations, reference loads, national campaigns).',
        'A reader that passes each `nextCursor` back as `after` never misses a change and never sees one twice, even when transactions commit in another order than they began: a change is served once every transaction older than its own has ended.',
        `With \`wait\` (up to ${MAX_WAIT_SECONDS} seconds) an empty answer waits for the next commit instead. A cursor older than the feed keeps (\`CHANGE_RETENTION_DAYS\`) answers 410 \`CURSOR_EXPIRED\`: read the records again, then follow from \`after=now\`.`,
      ].join('\n\n'),
      tags: ['changes'],
      summary: 'The change feed: what was written, in commit order, after a cursor',
      querystring: ChangeListQuery,
      response: { 200: ChangePage, ...problemResponses(400, 403, 404, 410) },
    },
    handler: async (request, reply) => {
      // A reader that hangs up stops its wait.
      const abort = new AbortController()
      reply.raw.once('close', () => abort.abort())
      return changes.list(request.query, request.caller, abort.signal)
    },
  })
}
