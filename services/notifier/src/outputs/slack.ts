import { Type } from '@sinclair/typebox';
import { postJson } from './http.js';
import type { OutputKind } from './types.js';

export const HttpUrl = Type.String({ pattern: '^https?://', maxLength: 2048, description: 'an http(s) URL' });

const Settings = Type.Object({ url: HttpUrl }, { additionalProperties: false });

/** Slack incoming webhook: `{ text }` with mrkdwn, the title in bold. */
export const slack: OutputKind<typeof Settings> = {
  kind: 'slack',
  description: 'Slack incoming webhook',
  settings: Settings,
  secrets: ['url'],
  create(settings) {
    const { url } = settings as { url: string };
    return { send: (m, ctx) => postJson(url, JSON.stringify({ text: `*${m.title}*\n${m.body}` }), {}, ctx) };
  },
};
