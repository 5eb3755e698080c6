import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isTracehoundError, type ErrorCode } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';

/** HTTP status per error code: a data table. Codes not listed are server errors. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  TH_ERR_INVALID_INPUT: 400,
  TH_ERR_RULE_INVALID: 400,
  TH_ERR_UNAUTHENTICATED: 401,
  TH_ERR_FORBIDDEN: 403,
  TH_ERR_NOT_FOUND: 404,
  TH_ERR_CONFLICT: 409,
  TH_ERR_UNREACHABLE: 503,
  TH_ERR_CLICKHOUSE: 503,
};

/** Fastify's own client errors: the code we report for them. */
const FASTIFY_CODES: Record<number, string> = { 400: 'TH_ERR_INVALID_INPUT', 404: 'TH_ERR_NOT_FOUND', 413: 'TH_ERR_BODY_TOO_LARGE', 415: 'TH_ERR_UNSUPPORTED_MEDIA_TYPE', 429: 'TH_ERR_RATE_LIMITED' };

export interface ErrorBodyJson {
  error: string;
  message: string;
  field?: string;
  requestId: string;
  /** Rule problems: where (JSON pointer) and what. */
  issues?: unknown[];
}

/**
 * One place turns errors into responses. A 4xx names the problem (and the field); a 5xx says
 * only that something failed and gives the request id to find it in the logs — never internals.
 */
export function errorHandler(logger: Logger) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    let status = 500;
    let body: ErrorBodyJson = { error: 'TH_ERR_INTERNAL', message: 'internal error', requestId: req.id };
    if (err.validation) {
      const v = err.validation[0];
      const field = (v?.instancePath?.replace(/^\//, '').replace(/\//g, '.') || (v?.params as { missingProperty?: string; additionalProperty?: string } | undefined)?.missingProperty) ?? (v?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
      status = 400;
      body = { error: 'TH_ERR_INVALID_INPUT', message: `${err.validationContext ?? 'request'}${field ? `.${field}` : ''}: ${v?.message ?? 'invalid'}${(v?.params as { additionalProperty?: string })?.additionalProperty ? ` (${(v!.params as { additionalProperty: string }).additionalProperty})` : ''}`, requestId: req.id, ...(field ? { field } : {}) };
    } else if (isTracehoundError(err)) {
      const limit = err.details.limit === true;
      status = limit ? 400 : (STATUS[err.code] ?? 500);
      if (limit) body = { error: 'TH_ERR_QUERY_TOO_LARGE', message: 'the query reads too much or runs too long; narrow the time range or add filters', requestId: req.id };
      else if (status < 500) {
        body = { error: err.code, message: err.message, requestId: req.id, ...(typeof err.details.field === 'string' ? { field: err.details.field } : {}), ...(Array.isArray(err.details.issues) ? { issues: err.details.issues } : {}) };
      }
      else if (status === 503) body = { error: err.code, message: 'storage is unavailable; try again shortly', requestId: req.id };
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      body = { error: FASTIFY_CODES[status] ?? 'TH_ERR_BAD_REQUEST', message: err.message, requestId: req.id };
    }
    if (status >= 500) logger.error({ err, requestId: req.id, url: req.url }, 'request failed');
    reply.code(status).send(body);
  };
}
