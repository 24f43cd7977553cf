// Prometheus metrics: process defaults plus one request histogram labelled by route pattern
// (never the raw URL, whose ids would explode the label set).
import type { FastifyInstance } from 'fastify'
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** Registers the request metrics and `/metrics`; returns the registry, for modules' own metrics. */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })

  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    )
    done()
  })

  app.get('/metrics', {
    schema: {
      operationId: 'getMetrics',
      description:
        'Request durations by method, route and status, and the process’s own figures, in the Prometheus text format. Needs no key: serve it on an internal network only.',
      tags: ['operations'],
      summary: 'Prometheus metrics (expose on an internal network only)',
      security: [],
      produces: ['text/plain'],
      response: { 200: { description: 'Prometheus text format', type: 'string' } },
    },
    handler: async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
  })
  return registry
}
