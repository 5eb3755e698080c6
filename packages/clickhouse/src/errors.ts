import { TracehoundError, errorMessage } from '@tracehound/errors';

/**
 * ClickHouse error codes that mean "this data (or this query) is wrong": trying again cannot
 * help, so a sink splits the batch to find the rows and dead-letters them. Every other
 * failure (connection refused, engine closed, timeouts, too many parts, memory) is retriable.
 * Codes from ClickHouse src/Common/ErrorCodes.cpp; a data table, not an if chain.
 */
export const DATA_ERROR_CODES: Readonly<Record<string, string>> = {
  6: 'CANNOT_PARSE_TEXT',
  25: 'CANNOT_PARSE_ESCAPE_SEQUENCE',
  26: 'CANNOT_PARSE_QUOTED_STRING',
  27: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  32: 'ATTEMPT_TO_READ_AFTER_EOF',
  38: 'CANNOT_PARSE_DATE',
  41: 'CANNOT_PARSE_DATETIME',
  53: 'TYPE_MISMATCH',
  69: 'ARGUMENT_OUT_OF_BOUND',
  70: 'CANNOT_CONVERT_TYPE',
  72: 'CANNOT_PARSE_NUMBER',
  117: 'INCORRECT_DATA',
  131: 'TOO_LARGE_STRING_SIZE',
  321: 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
  349: 'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN',
  376: 'CANNOT_PARSE_UUID',
  407: 'DECIMAL_OVERFLOW',
  441: 'CANNOT_PARSE_IPV4',
  442: 'CANNOT_PARSE_IPV6',
  459: 'CANNOT_PARSE_BOOL',
  1001: 'STD_EXCEPTION',
};

/** Codes that mean the query itself was refused for its limits: a client error in the API, not a 5xx. */
export const LIMIT_ERROR_CODES: Readonly<Record<string, string>> = {
  158: 'TOO_MANY_ROWS',
  159: 'TIMEOUT_EXCEEDED',
  160: 'TOO_SLOW',
  241: 'MEMORY_LIMIT_EXCEEDED',
  396: 'TOO_MANY_ROWS_OR_BYTES',
  394: 'QUERY_WAS_CANCELLED',
};

export function clickhouseCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if ((typeof code === 'string' && /^[0-9]+$/.test(code)) || typeof code === 'number') return String(code);
  // chDB's native insert reports the engine's "Code: N. DB::Exception: …" in the message only.
  return /^Code: ([0-9]+)\./.exec(errorMessage(err))?.[1];
}

/** A typed error for a failed ClickHouse call: TH_ERR_CLICKHOUSE_DATA (not retriable) or TH_ERR_CLICKHOUSE (retriable). */
export function toClickHouseError(err: unknown, what: string): TracehoundError {
  if (err instanceof TracehoundError) return err;
  const code = clickhouseCode(err);
  const details = { clickhouseCode: code, limit: code !== undefined && code in LIMIT_ERROR_CODES };
  if (code !== undefined && code in DATA_ERROR_CODES) {
    return new TracehoundError('TH_ERR_CLICKHOUSE_DATA', `${what}: ${errorMessage(err)}`, { cause: err, details });
  }
  return new TracehoundError('TH_ERR_CLICKHOUSE', `${what}: ${errorMessage(err)}`, { cause: err, details, retriable: !details.limit });
}
