import { TracehoundError } from '@tracehound/errors';
import { ANC_FLAGS, ANC_MAGIC, LAYOUTS, STR_FLAGS, STRUCT_OF, type FieldType, type StructLayout } from './layout.js';
import { cString, splitArgs, bytesToString } from './text.js';

export type FieldValue = number | bigint | Buffer | SockInfo | number[] | RawStr;

export interface RawStr {
  bytes: Buffer;
  truncated: boolean;
  fault: boolean;
  absent: boolean;
}

export interface SockInfo {
  family: number;
  protocol: number;
  sport: number;
  dport: number;
  type: number;
  state: number;
  saddr: Buffer;
  daddr: Buffer;
}

export interface AncestorEntry {
  pid: number;
  ppid: number;
  startNs: bigint;
  uid: number;
  comm: string;
  exe: string;
  args: string[];
  exited: boolean;
  argsTruncated: boolean;
  partial: boolean;
}

export interface KernelRecord {
  type: number;
  hdr: Record<string, FieldValue>;
  body: Record<string, FieldValue>;
  /** Entry 0 is the subject process, then its parent, grandparent, … */
  ancestry: AncestorEntry[];
}

const strFieldsOf = (l: StructLayout) => Object.keys(l.fields).filter((f) => l.fields[f]![1] === 'str');

function readField(buf: Buffer, base: number, type: FieldType, len = 0): FieldValue {
  switch (type) {
    case 'u16': return buf.readUInt16LE(base);
    case 'u32': return buf.readUInt32LE(base);
    case 's32': return buf.readInt32LE(base);
    case 'u64': return buf.readBigUInt64LE(base);
    case 's64': return buf.readBigInt64LE(base);
    case 'u32x8': return Array.from({ length: 8 }, (_, i) => buf.readUInt32LE(base + i * 4));
    case 'bytes': return buf.subarray(base, base + len);
    case 'sockinfo': return readStruct(buf, base, LAYOUTS.th_sockinfo) as unknown as SockInfo;
    case 'str': return buf.readUInt32LE(base); // resolved with its buffer in readStruct
  }
}

/** Reads a struct at `base`; each th_str `x` is joined with its buffer `x_buf` into a RawStr. */
export function readStruct(buf: Buffer, base: number, layout: StructLayout): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [name, [off, type, len]] of Object.entries(layout.fields)) out[name] = readField(buf, base + off, type, len);
  for (const name of strFieldsOf(layout)) {
    const [off] = layout.fields[name]!;
    const bufField = layout.fields[`${name}_buf`];
    const slen = buf.readUInt16LE(base + off);
    const flags = buf.readUInt16LE(base + off + 2);
    const cap = bufField?.[2] ?? 0;
    out[name] = {
      bytes: bufField ? buf.subarray(base + bufField[0], base + bufField[0] + Math.min(slen, cap)) : Buffer.alloc(0),
      truncated: (flags & STR_FLAGS.TRUNCATED) !== 0 || slen > cap,
      fault: (flags & STR_FLAGS.FAULT) !== 0,
      absent: (flags & STR_FLAGS.ABSENT) !== 0,
    };
  }
  return out;
}

function readAncestry(frame: Buffer, at: number): AncestorEntry[] {
  if (frame.length < at + 8) throw new TracehoundError('TH_ERR_DECODE', `ancestry trailer cut short at byte ${at}`);
  const h = readStruct(frame, at, LAYOUTS.th_anc_hdr);
  if (h.magic !== ANC_MAGIC) throw new TracehoundError('TH_ERR_DECODE', `ancestry trailer has magic 0x${(h.magic as number).toString(16)}`);
  const end = at + (h.size as number);
  if (end > frame.length) throw new TracehoundError('TH_ERR_DECODE', `ancestry trailer claims ${h.size} bytes, frame has ${frame.length - at}`);
  const out: AncestorEntry[] = [];
  let o = at + 8;
  for (let i = 0; i < (h.count as number); i++) {
    if (o + 48 > end) throw new TracehoundError('TH_ERR_DECODE', `ancestry entry ${i} cut short`);
    const e = readStruct(frame, o, LAYOUTS.th_anc_entry);
    const exeLen = e.exe_len as number;
    const argsLen = e.args_len as number;
    const exeStart = o + 48;
    if (exeStart + exeLen + argsLen > end) throw new TracehoundError('TH_ERR_DECODE', `ancestry entry ${i} strings overrun the trailer`);
    const flags = e.anc_flags as number;
    out.push({
      pid: e.pid as number, ppid: e.ppid as number, startNs: e.start_ns as bigint, uid: e.uid as number, comm: cString(e.comm as Buffer),
      exe: bytesToString(frame.subarray(exeStart, exeStart + exeLen)), args: splitArgs(frame.subarray(exeStart + exeLen, exeStart + exeLen + argsLen)),
      exited: (flags & ANC_FLAGS.EXITED) !== 0, argsTruncated: (flags & ANC_FLAGS.ARGS_TRUNC) !== 0, partial: (flags & ANC_FLAGS.PARTIAL) !== 0,
    });
    o = exeStart + ((exeLen + argsLen + 7) & ~7);
  }
  return out;
}

/**
 * One frame from the loader → a typed record. Short, unknown or inconsistent frames throw
 * TH_ERR_DECODE; the caller counts and skips them.
 */
export function decodeFrame(frame: Buffer): KernelRecord {
  if (frame.length < LAYOUTS.th_hdr.size) throw new TracehoundError('TH_ERR_DECODE', `frame of ${frame.length} bytes is shorter than the ${LAYOUTS.th_hdr.size}-byte header`);
  const type = frame.readUInt32LE(0);
  const size = frame.readUInt32LE(4);
  const struct = STRUCT_OF[type];
  if (!struct) throw new TracehoundError('TH_ERR_DECODE', `unknown record type ${type}`);
  const layout: StructLayout = LAYOUTS[struct];
  if (size !== layout.size) throw new TracehoundError('TH_ERR_DECODE', `record type ${type} says ${size} bytes, ${struct} is ${layout.size}`);
  if (frame.length < size) throw new TracehoundError('TH_ERR_DECODE', `record type ${type} cut short: ${frame.length} of ${size} bytes`);
  return {
    type,
    hdr: readStruct(frame, 0, LAYOUTS.th_hdr),
    body: readStruct(frame, 0, layout),
    ancestry: frame.length > size ? readAncestry(frame, size) : [],
  };
}
