import { createHmac } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { toPlain } from '@tracehound/schemas';
import { postJson } from './http.js';
import { HttpUrl } from './slack.js';
import type { OutputKind } from './types.js';

const Settings = Type.Object({
  url: HttpUrl,
  secret: Type.Optional(Type.String({ minLength: 16, maxLength: 256, description: 'HMAC-SHA256 key; at least 16 characters' })),
  headers: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }), Type.String({ maxLength: 1024 }), { maxProperties: 16 })),
}, { additionalProperties: false });

/** Header names of the generic webhook; receivers verify `signature` over the exact body bytes. */
export const WEBHOOK_HEADERS = {
  signature: 'x-tracehound-signature',
  delivery: 'x-tracehound-delivery',
} as const;

/** `sha256=<hex>` of HMAC-SHA256(secret, body). */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Generic webhook: the alerts in their JSON form (nanoseconds as strings) with the rendered title
 * and text. The body carries its send time, so a receiver can refuse old replays; the signature
 * covers the whole body.
 */
export const webhook: OutputKind<typeof Settings> = {
  kind: 'webhook',
  description: 'generic JSON webhook, HMAC-SHA256 signed',
  settings: Settings,
  secrets: ['secret'],
  create(settings) {
    const s = settings as { url: string; secret?: string; headers?: Record<string, string> };
    return {
      send(m, ctx) {
        const body = JSON.stringify({
          id: m.id, route: m.routeId, sent_at: new Date().toISOString(), title: m.title, text: m.body, count: m.alerts.length,
          alerts: m.alerts.map((a) => toPlain(a)),
        });
        const headers: Record<string, string> = { ...(s.headers ?? {}), [WEBHOOK_HEADERS.delivery]: m.id };
        if (s.secret) headers[WEBHOOK_HEADERS.signature] = signBody(s.secret, body);
        return postJson(s.url, body, headers, ctx);
      },
    };
  },
};
