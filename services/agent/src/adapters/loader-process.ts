import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { Logger } from '@tracehound/logging';
import { backoffDelay } from '@tracehound/retry';
import { FrameReader } from '../frame-reader.js';

export interface LoaderProcessOptions {
  binary: string;
  args: string[];
  log: Logger;
  onFrame: (frame: Buffer) => void;
  /** A line the loader printed on stderr (its replies and structured notices). */
  onNotice?: (line: string) => void;
  /** Called when the loader exited unexpectedly and is about to be restarted. */
  onRestart?: (code: number | null, signal: NodeJS.Signals | null, delayMs: number) => void;
  /** Exit codes that mean "BPF cannot work here": not restarted, reported once. */
  fatalExitCodes?: number[];
  onFatal?: (code: number, lastLines: string[]) => void;
}

/**
 * Runs the C loader as a child: frames from its stdout, filter commands to its stdin, notices
 * from its stderr. If it dies it is restarted with backoff (reset after a minute of good
 * running), and each restart is reported.
 */
export class LoaderProcess {
  private child: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  private stopping = false;
  private attempt = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly reader = new FrameReader();
  private readonly lastLines: string[] = [];
  restarts = 0;

  constructor(private readonly o: LoaderProcessOptions) {}

  get corruptFrames(): number {
    return this.reader.corrupt;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopping = false;
    const child = spawn(this.o.binary, this.o.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.startedAt = Date.now();
    child.stdout.on('data', (chunk: Buffer) => this.reader.push(chunk, this.o.onFrame));
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.lastLines.push(line);
      if (this.lastLines.length > 20) this.lastLines.shift();
      this.o.onNotice?.(line);
    });
    child.stdin.on('error', () => undefined); // a dead loader's stdin; the exit handler reports it
    child.on('error', (err) => this.o.log.error({ err }, `cannot run loader ${this.o.binary}`));
    child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  /** Sends one filter command line; the reply comes back as a notice. */
  command(line: string): boolean {
    if (!this.child || this.child.exitCode !== null) return false;
    return this.child.stdin.write(`${line}\n`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    if (code !== null && this.o.fatalExitCodes?.includes(code)) {
      this.o.onFatal?.(code, [...this.lastLines]);
      return;
    }
    if (Date.now() - this.startedAt > 60_000) this.attempt = 0;
    this.attempt++;
    this.restarts++;
    const delay = backoffDelay(this.attempt, { initialDelayMs: 200, maxDelayMs: 30_000, factor: 2, jitter: 0.3 });
    this.o.log.error({ code, signal, restarts: this.restarts, lastLines: this.lastLines.slice(-5) }, `loader exited; restarting in ${delay} ms`);
    this.o.onRestart?.(code, signal, delay);
    this.timer = setTimeout(() => this.start(), delay);
  }
}
