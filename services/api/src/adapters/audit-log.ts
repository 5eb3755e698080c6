import { API_AUDIT, insertRows, msToClickHouse, type ClickHouseLike } from '@tracehound/clickhouse';
import { errorMessage } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import { counter } from '@tracehound/metrics';

export interface AuditEntry {
  ts: number;
  request_id: string;
  actor: string;
  auth: string;
  method: string;
  route: string;
  path: string;
  status: number;
  duration_ms: number;
  ip: string;
  error_code: string;
}

const written = counter({ name: 'tracehound_api_audit_written_total', help: 'API audit records stored' });
const dropped = counter({ name: 'tracehound_api_audit_dropped_total', help: 'API audit records lost because the buffer overflowed while ClickHouse was unavailable' });

/**
 * Every request becomes a row of api_audit. Rows are buffered and written together (at most
 * every `flushMs`, or at `maxRows`): one insert per request would make one part per request.
 * While ClickHouse is away the buffer keeps up to `maxBuffered` rows; past that the oldest are
 * dropped and counted.
 */
export class AuditLog {
  private buffer: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly ch: ClickHouseLike,
    private readonly database: string,
    private readonly logger: Logger,
    private readonly o = { flushMs: 1_000, maxRows: 1_000, maxBuffered: 100_000 },
  ) {}

  record(e: AuditEntry): void {
    this.buffer.push(e);
    if (this.buffer.length > this.o.maxBuffered) {
      this.buffer.shift();
      dropped.inc();
    }
    if (this.buffer.length >= this.o.maxRows) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.o.flushMs);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = insertRows(this.ch, this.database, API_AUDIT, rows.map((r) => ({ ...r, ts: msToClickHouse(r.ts) })))
      .then(() => void written.inc(rows.length))
      .catch((err) => {
        this.logger.warn({ err: errorMessage(err), rows: rows.length }, 'audit records not stored yet; retrying');
        this.buffer = [...rows, ...this.buffer];
        this.timer ??= setTimeout(() => void this.flush(), this.o.flushMs * 5);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
