import { createParser } from 'eventsource-parser';
import { session } from './client';
import type { Alert } from './types';

export type LiveStatus = 'connecting' | 'live' | 'retrying' | 'closed';

/**
 * The live alert stream (GET /api/v1/stream/alerts, Server-Sent Events). EventSource cannot send
 * an Authorization header, so this reads the stream with fetch and parses it; it reconnects
 * with backoff when the stream ends (server restart, the per-user stream limit), and stops when
 * the session is rejected.
 */
export function followAlerts(onAlert: (a: Alert) => void, onStatus: (s: LiveStatus, detail?: string) => void): () => void {
  const ctrl = new AbortController();
  let attempt = 0;
  const run = async () => {
    while (!ctrl.signal.aborted) {
      onStatus(attempt ? 'retrying' : 'connecting');
      try {
        const res = await fetch('/api/v1/stream/alerts', { headers: { authorization: `Bearer ${session.token ?? ''}`, accept: 'text/event-stream' }, signal: ctrl.signal });
        if (res.status === 401 || res.status === 403) {
          onStatus('closed', 'not allowed to follow alerts');
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream refused (${res.status})`);
        onStatus('live');
        attempt = 0;
        const parser = createParser({
          onEvent: (ev) => {
            if (ev.event !== 'alert') return;
            try {
              onAlert(JSON.parse(ev.data) as Alert);
            } catch {
              /* a malformed frame is skipped; the next one still counts */
            }
          },
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch (err) {
        if (ctrl.signal.aborted) break;
        onStatus('retrying', (err as Error).message);
      }
      attempt++;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2)));
    }
    onStatus('closed');
  };
  void run();
  return () => ctrl.abort();
}
