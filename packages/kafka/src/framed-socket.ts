import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** kafkajs's own keep-alive delay for broker connections. */
const KEEP_ALIVE_MS = 60_000;
/** Bytes read at a time into the connection's reused buffer; a response at least this much short of complete is read straight into its own buffer. */
export const READ_CHUNK = 64 * 1024;
/** Kafka's frame header: the size of the response that follows, a big-endian int32. */
const HEAD = 4;
/** Larger announced responses are refused: the peer is not speaking Kafka (fetches are bounded far below). */
export const MAX_FRAME = 1024 ** 3;

/**
 * Cuts a broker connection's bytes into whole Kafka responses (the size header and the response,
 * one buffer each) without allocating per read. Node's sockets allocate a new buffer for every
 * read (64 KiB, cut to size) and kafkajs joins a response's reads into one more: each fetched
 * byte was allocated twice outside the JS heap, and V8 runs a full collection of the isolate
 * each time that external memory has grown by 64 MiB. Here reads go into one reused buffer, or
 * — while a large response has at least READ_CHUNK bytes still to come — straight into the
 * response's own buffer, allocated once at its announced size.
 */
export class FrameReader {
  private readonly scratch = Buffer.allocUnsafeSlow(READ_CHUNK);
  private readonly head = Buffer.alloc(HEAD);
  private headFilled = 0;
  private frame: Buffer | undefined;
  private filled = 0;
  /** The view of `frame` handed out for the next read, when reading straight into it. */
  private direct: Buffer | undefined;

  /** `deliver` gets each whole response; `fail` a size no Kafka response has (nothing more is delivered after it). */
  constructor(private readonly deliver: (frame: Buffer) => void, private readonly fail: (err: Error) => void) {}

  /** Where the next read goes. */
  next(): Buffer {
    const rest = this.frame ? this.frame.length - this.filled : 0;
    this.direct = rest >= READ_CHUNK ? this.frame!.subarray(this.filled) : undefined;
    return this.direct ?? this.scratch;
  }

  /** `n` bytes were read into `buf` (what next() gave); false once the stream is unusable. */
  read(n: number, buf: Uint8Array): boolean {
    if (buf === this.direct) {
      this.direct = undefined;
      this.filled += n;
      this.complete();
      return true;
    }
    let at = 0;
    while (at < n) {
      if (!this.frame) {
        const take = Math.min(HEAD - this.headFilled, n - at);
        this.head.set(buf.subarray(at, at + take), this.headFilled);
        this.headFilled += take;
        at += take;
        if (this.headFilled < HEAD) break;
        const size = this.head.readInt32BE(0);
        if (size < 0 || size > MAX_FRAME) {
          this.fail(new Error(`a Kafka response announced ${size} bytes (at most ${MAX_FRAME}): the peer does not speak Kafka's protocol`));
          return false;
        }
        this.frame = Buffer.allocUnsafe(HEAD + size);
        this.head.copy(this.frame, 0);
        this.filled = HEAD;
        this.headFilled = 0;
      }
      const take = Math.min(this.frame.length - this.filled, n - at);
      this.frame.set(buf.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      this.complete();
    }
    return true;
  }

  private complete(): void {
    const frame = this.frame;
    if (!frame || this.filled < frame.length) return;
    this.frame = undefined;
    this.filled = 0;
    this.deliver(frame);
  }
}

/**
 * kafkajs's socket factory for plain TCP connections that hands kafkajs whole responses read
 * through a FrameReader (see there why); TLS connections are made as kafkajs makes them.
 * Each response is emitted as the socket's one 'data' chunk, which is all kafkajs listens to.
 */
export const framedSocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  if (ssl) {
    const socket = tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_MS);
    return socket;
  }
  const reader: FrameReader = new FrameReader(
    (frame) => {
      if (!socket.destroyed) socket.emit('data', frame);
    },
    (err) => socket.destroy(err),
  );
  const socket: Socket = connect({ host, port, onread: { buffer: () => reader.next(), callback: (n, buf) => !socket.destroyed && reader.read(n, buf) } }, onConnect);
  socket.setKeepAlive(true, KEEP_ALIVE_MS);
  return socket;
};
