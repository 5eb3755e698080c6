import type { Event } from '@tracehound/schemas';
import { errorMessage } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import { EV, KERNEL_MAX, ABI_VERSION } from './records/layout.js';
import { decodeFrame, type KernelRecord } from './records/decode.js';
import { cString } from './records/text.js';
import { toEvent, type EventContext } from './records/to-event.js';
import { AncestryCache, fastEvent } from './records/fast-event.js';
import type { AgentCounters } from './stats.js';
import type { LoaderControl } from './loader-control.js';

/** Record type → the name kernel drops are counted under (the Event kind it would have become). */
const DROP_NAMES: Record<number, string> = {
  [EV.EXEC]: 'process_exec', [EV.EXIT]: 'process_exit', [EV.FORK]: 'process_fork', [EV.FILE_OPEN]: 'file_open', [EV.FILE_UNLINK]: 'file_unlink',
  [EV.FILE_RENAME]: 'file_rename', [EV.FILE_CHMOD]: 'file_chmod', [EV.FILE_LINK]: 'file_link', [EV.FILE_SYMLINK]: 'file_link', [EV.TCP_CONNECT]: 'net_connect',
  [EV.TCP_ACCEPT]: 'net_accept', [EV.LISTEN]: 'net_listen', [EV.CONNECT]: 'net_connect', [EV.SOCKET]: 'net_socket', [EV.SETID]: 'priv_change',
  [EV.CAPSET]: 'priv_change', [EV.CAP_CHECK]: 'capability_use', [EV.PTRACE]: 'ptrace', [EV.MODULE]: 'module_load', [EV.MOUNT]: 'mount',
  [EV.NS]: 'namespace_change', [EV.MEMFD]: 'memfd_create', [EV.DUP_SOCKET]: 'fd_dup_socket', [EV.BPF]: 'bpf_call',
};

export interface ProgramStatus {
  name: string;
  attached: boolean;
  detail: string;
}

/**
 * Turns loader frames into Events and bookkeeping: the clock offset, kernel drop deltas, command
 * replies and program status. Knows nothing of Kafka or stdout: events go to `emit`.
 */
export class FrameHandler {
  clockOffsetNs: bigint;
  helloSeen = false;
  readonly programs = new Map<string, ProgramStatus>();
  private lastDropped = new Array<bigint>(KERNEL_MAX).fill(0n);
  private readonly ancestry = new AncestryCache();
  private readonly eventCtx: EventContext;

  constructor(
    ctx: Omit<EventContext, 'clockOffsetNs'>,
    initialOffsetNs: bigint,
    private readonly counters: AgentCounters,
    private readonly control: LoaderControl,
    private readonly emit: (ev: Event) => void,
    private readonly log: Logger,
  ) {
    this.clockOffsetNs = initialOffsetNs;
    this.eventCtx = { ...ctx, clockOffsetNs: initialOffsetNs };
  }

  onFrame(frame: Buffer): void {
    // The hot kernel types go straight from bytes to an Event; everything else (and anything
    // malformed, which the generic decoder explains) takes the generic path.
    const fast = fastEvent(frame, this.eventCtx, this.ancestry);
    if (fast) {
      this.counters.event(fast.kind);
      this.emit(fast);
      return;
    }
    let r: KernelRecord;
    try {
      r = decodeFrame(frame);
    } catch (err) {
      this.counters.decodeError();
      this.log.warn({ err: errorMessage(err), bytes: frame.length }, 'skipped a malformed loader record');
      return;
    }
    if (r.type >= 100) return this.onLoaderRecord(r);
    const ev = toEvent(r, this.eventCtx);
    if (!ev) return;
    // The kernel holds back a process's repeated checks of a capability (cap_interval_ms) and
    // says how many with the next one it reports.
    if (ev.capability) this.counters.capabilityChecksHeldBack(ev.capability.name, Number(r.body.suppressed ?? 0));
    this.counters.event(ev.kind);
    this.emit(ev);
  }

  /** A restarted loader counts drops from zero again. */
  loaderRestarted(): void {
    this.lastDropped = new Array<bigint>(KERNEL_MAX).fill(0n);
    this.helloSeen = false;
  }

  private onLoaderRecord(r: KernelRecord): void {
    const b = r.body;
    switch (r.type) {
      case EV.HELLO:
        if (b.abi_version !== ABI_VERSION) this.log.error({ loaderAbi: b.abi_version, agentAbi: ABI_VERSION }, 'loader and agent disagree on the record ABI; records may be skipped');
        this.helloSeen = true;
        this.control.ready();
        return;
      case EV.CLOCK:
        this.clockOffsetNs = b.offset_ns as bigint;
        this.eventCtx.clockOffsetNs = this.clockOffsetNs;
        return;
      case EV.STATS: {
        const dropped = b.dropped as Buffer;
        for (let t = 0; t < KERNEL_MAX; t++) {
          const total = dropped.readBigUInt64LE(t * 8);
          const delta = total - this.lastDropped[t]!;
          if (delta > 0n) this.counters.kernelDrops(DROP_NAMES[t] ?? `type_${t}`, Number(delta));
          this.lastDropped[t] = total;
        }
        return;
      }
      case EV.CMD_REPLY: {
        const text = (b.text as Buffer).subarray(0, Math.min(b.text_len as number, 512)).toString('utf8');
        this.control.reply(Number(b.seq), b.status as number, text);
        return;
      }
      case EV.PROG_STATUS: {
        const name = cString(b.name as Buffer);
        this.programs.set(name, { name, attached: ((b.ps_flags as number) & 1) !== 0, detail: cString(b.detail as Buffer) });
        return;
      }
    }
  }
}
