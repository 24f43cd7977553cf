// One log line per request, written when the response has gone: method, url, status, time taken
// and the request id (bound to every line of the request). Fastify's default is two lines (one on
// arrival, one on completion), which doubled the logging work of every request for no extra fact;
// the arrival line stays available at debug level.
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'

export class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest) {
    request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}
