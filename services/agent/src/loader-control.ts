import { TracehoundError } from '@tracehound/errors';
import type { LoaderProcess } from './adapters/loader-process.js';

export interface CommandReply {
  ok: boolean;
  text: string;
}

interface Pending {
  line: string;
  resolve: (r: CommandReply) => void;
  reject: (e: unknown) => void;
}

/**
 * Filter updates for the loader (bpf/README.md: `prefix add read /etc/`, `comm deny x`, …).
 * Replies are matched by the line's sequence number. Accepted commands are remembered and
 * replayed when the loader is restarted, so a crash does not silently reset the filters.
 */
export class LoaderControl {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly applied: string[] = [];
  private needsReplay = false;

  constructor(private readonly loader: LoaderProcess, private readonly timeoutMs = 5_000) {}

  send(line: string): Promise<CommandReply> {
    if (/[\r\n]/.test(line) || line.trim() === '') return Promise.reject(new TracehoundError('TH_ERR_INVALID_INPUT', 'a filter command is one non-empty line'));
    return new Promise<CommandReply>((resolve, reject) => {
      const seq = ++this.seq;
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new TracehoundError('TH_ERR_TIMEOUT', `loader did not answer "${line}" within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(seq, {
        line,
        resolve: (r) => {
          clearTimeout(timer);
          if (r.ok && !this.applied.includes(line)) this.applied.push(line);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (!this.loader.command(line)) {
        this.pending.get(seq)?.reject(new TracehoundError('TH_ERR_UNREACHABLE', 'the loader is not running'));
        this.pending.delete(seq);
      }
    });
  }

  /** A TH_EV_CMD_REPLY record arrived. */
  reply(seq: number, status: number, text: string): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    p.resolve({ ok: status === 0, text });
  }

  /** The loader died: its line counter will start again. */
  restarted(): void {
    for (const p of this.pending.values()) p.reject(new TracehoundError('TH_ERR_UNREACHABLE', `the loader restarted before answering "${p.line}"`));
    this.pending.clear();
    this.seq = 0;
    this.needsReplay = true;
  }

  /** A (re)started loader said hello: re-apply the filters it lost. */
  ready(): void {
    if (!this.needsReplay) return;
    this.needsReplay = false;
    const replay = [...this.applied];
    this.applied.length = 0;
    for (const line of replay) void this.send(line).catch(() => undefined);
  }
}
