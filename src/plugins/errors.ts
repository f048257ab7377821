// One error handler, one error shape: `{ detail: "…" }`, validation failures as FastAPI's 422 list, no stack
// traces in bodies. 5xx are logged with the request id and answered with a generic body.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError, isDatabaseUnavailable, RequestValidationError } from '../core/errors.js';
import { toValidationIssues } from '../core/validation.js';
import { findIllFormedString } from '../core/well-formed.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Answers a request no route matched before the JSON 404, when it returns a reply (plugins/pages.ts: a browser
     * navigating to a page). It lives in the 404 handler, not in a catch-all route, so the router's own refusals
     * (414 for an over-long path segment) stay what they are.
     */
    notFoundFallback: ((request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined) | undefined;
  }
}

/** Fastify's own client errors, with the messages we answer them with. */
const CLIENT_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Media Type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Request body size did not match Content-Length',
  FST_ERR_CTP_INVALID_JSON_BODY: 'Malformed JSON body',
  FST_ERR_BAD_URL: 'Malformed URL',
};

export default fp(
  async (app) => {
    // Before schema validation, on every route: strings Postgres cannot store faithfully are a 422, not a 500.
    app.addHook('preValidation', async (request) => {
      const issue =
        findIllFormedString(request.params, ['path']) ??
        findIllFormedString(request.query, ['query']) ??
        findIllFormedString(request.body, ['body']);
      if (issue) throw new RequestValidationError([issue]);
    });

    app.decorate('notFoundFallback', undefined);
    app.setNotFoundHandler(async (request, reply) => app.notFoundFallback?.(request, reply) ?? reply.code(404).send({ detail: 'Not Found' }));

    app.setErrorHandler<FastifyError>(async (error, request, reply) => {
      if (error instanceof HttpError) {
        return reply.code(error.statusCode).headers(error.headers).send({ detail: error.detail });
      }
      if (error instanceof RequestValidationError) return reply.code(422).send({ detail: error.issues });
      if (error.validation) {
        return reply.code(422).send({ detail: toValidationIssues(error.validation as never, error.validationContext ?? 'body') });
      }
      if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
        return reply.code(422).send({ detail: [{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }] });
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const detail = CLIENT_ERRORS[error.code] ?? (error instanceof SyntaxError ? 'Malformed JSON body' : 'Bad Request');
        return reply.code(status).send({ detail });
      }
      if (isDatabaseUnavailable(error)) {
        request.log.error({ err: error }, 'database unavailable');
        return reply.code(503).header('retry-after', '2').send({ detail: 'Database unavailable' });
      }
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send({ detail: 'Internal Server Error' });
    });
  },
  { name: 'errors' },
);
