const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Kernel strings are bytes. Valid UTF-8 is kept as is; any byte that is not part of a valid
 * UTF-8 sequence becomes `\xNN` (and a literal backslash before `x` is kept), so odd names are
 * carried faithfully instead of being replaced by U+FFFD.
 */
export function bytesToString(b: Buffer): string {
  try {
    return strict.decode(b);
  } catch {
    return escapeInvalid(b);
  }
}

function seqLen(b: Buffer, i: number): number {
  const c = b[i]!;
  const need = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (!need || i + need > b.length) return 0;
  for (let k = 1; k < need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return need;
}

function escapeInvalid(b: Buffer): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    const n = seqLen(b, i);
    if (n) {
      try {
        out += strict.decode(b.subarray(i, i + n));
        i += n;
        continue;
      } catch {
        /* overlong or surrogate: escape below */
      }
    }
    out += `\\x${c.toString(16).padStart(2, '0')}`;
    i++;
  }
  return out;
}

/** A NUL-padded fixed char array, up to its first NUL. */
export function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return bytesToString(nul < 0 ? b : b.subarray(0, nul));
}

/** NUL-separated argv bytes (like /proc/PID/cmdline) as a list; a trailing NUL adds no empty item. */
export function splitArgs(b: Buffer): string[] {
  if (b.length === 0) return [];
  const end = b[b.length - 1] === 0 ? b.length - 1 : b.length;
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= end; i++) {
    if (i === end || b[i] === 0) {
      out.push(bytesToString(b.subarray(start, i)));
      start = i + 1;
    }
  }
  return out;
}

/** bytesToString of buf[start, end) without a view per call: ASCII (the common case) is read directly. */
export function stringAt(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return bytesToString(buf.subarray(start, end));
  return end > start ? buf.toString('latin1', start, end) : '';
}

/** cString of the fixed char array buf[start, end). */
export function cStringAt(buf: Buffer, start: number, end: number): string {
  let nul = start;
  while (nul < end && buf[nul] !== 0) nul++;
  return stringAt(buf, start, nul);
}

/** splitArgs of buf[start, end). */
export function splitArgsAt(buf: Buffer, start: number, end: number): string[] {
  if (end <= start) return [];
  const last = buf[end - 1] === 0 ? end - 1 : end;
  const out: string[] = [];
  let from = start;
  for (let i = start; i <= last; i++) {
    if (i === last || buf[i] === 0) {
      out.push(stringAt(buf, from, i));
      from = i + 1;
    }
  }
  return out;
}
