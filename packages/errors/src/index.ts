/**
 * The one error hierarchy of Tracehound. Every error a module throws on purpose is a
 * TracehoundError with a stable code, a retriable flag and an optional cause.
 */
export const ERROR_CODES = {
  TH_ERR_CONFIG: { retriable: false, summary: 'invalid configuration' },
  TH_ERR_UNREACHABLE: { retriable: true, summary: 'a dependency could not be reached' },
  TH_ERR_TIMEOUT: { retriable: true, summary: 'an operation did not finish in time' },
  TH_ERR_SCHEMA: { retriable: false, summary: 'a schema is invalid or incompatible' },
  TH_ERR_DECODE: { retriable: false, summary: 'a record could not be decoded' },
  TH_ERR_ENCODE: { retriable: false, summary: 'a record does not match its schema' },
  TH_ERR_KAFKA: { retriable: true, summary: 'a Kafka operation failed' },
  TH_ERR_UNKNOWN_TOPIC: { retriable: false, summary: 'the topic is not one Tracehound knows' },
  TH_ERR_CLICKHOUSE: { retriable: true, summary: 'a ClickHouse operation failed' },
  TH_ERR_STACK: { retriable: false, summary: 'the local stack could not be managed' },
  TH_ERR_MISSING_TOOL: { retriable: false, summary: 'a required program is missing' },
  TH_ERR_DEADLINE: { retriable: false, summary: 'retries ran past their deadline' },
  TH_ERR_INVALID_INPUT: { retriable: false, summary: 'input failed validation' },
  TH_ERR_RULE_INVALID: { retriable: false, summary: 'a rule, list or shared condition is invalid' },
  TH_ERR_RULE_EVAL: { retriable: false, summary: 'a rule failed while evaluating an event' },
  TH_ERR_KUBE: { retriable: true, summary: 'a Kubernetes API call failed' },
  TH_ERR_KUBE_FORBIDDEN: { retriable: false, summary: 'the Kubernetes API refused access (RBAC)' },
  TH_ERR_CLICKHOUSE_DATA: { retriable: false, summary: 'ClickHouse rejected the data of an insert' },
  TH_ERR_MIGRATION: { retriable: false, summary: 'a storage migration failed' },
  TH_ERR_UNAUTHENTICATED: { retriable: false, summary: 'no valid credentials were presented' },
  TH_ERR_FORBIDDEN: { retriable: false, summary: 'the caller may not do this' },
  TH_ERR_NOT_FOUND: { retriable: false, summary: 'no such object, or not visible to the caller' },
  TH_ERR_CONFLICT: { retriable: false, summary: 'the object already exists or changed meanwhile' },
  TH_ERR_DELIVERY: { retriable: true, summary: 'a notification could not be delivered' },
  TH_ERR_PAST_RETENTION: { retriable: false, summary: "a record is older than its table's retention" },
} as const satisfies Record<string, { retriable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface TracehoundErrorOptions {
  cause?: unknown;
  /** Overrides the code's default retriable flag. */
  retriable?: boolean;
  /** Structured context (field names, topic, …) safe to log. */
  details?: Record<string, unknown>;
}

export class TracehoundError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: TracehoundErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TracehoundError';
    this.code = code;
    this.retriable = options.retriable ?? ERROR_CODES[code].retriable;
    this.details = options.details ?? {};
  }
}

export function isTracehoundError(err: unknown, code?: ErrorCode): err is TracehoundError {
  return err instanceof TracehoundError && (code === undefined || err.code === code);
}

/** Whether an operation that threw `err` may succeed if tried again. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof TracehoundError) return err.retriable;
  if (err !== null && typeof err === 'object' && 'retriable' in err) {
    return Boolean((err as { retriable: unknown }).retriable);
  }
  return false;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
