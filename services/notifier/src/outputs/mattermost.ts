import { Type } from '@sinclair/typebox';
import { postJson } from './http.js';
import { HttpUrl } from './slack.js';
import type { OutputKind } from './types.js';

const Settings = Type.Object({
  url: HttpUrl,
  channel: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, { additionalProperties: false });

/** Mattermost (and Rocket.Chat-style) incoming webhook: `{ text, channel?, username? }` in Markdown. */
export const mattermost: OutputKind<typeof Settings> = {
  kind: 'mattermost',
  description: 'Mattermost incoming webhook',
  settings: Settings,
  secrets: ['url'],
  create(settings) {
    const s = settings as { url: string; channel?: string; username?: string };
    return {
      send: (m, ctx) => postJson(s.url, JSON.stringify({ text: `#### ${m.title}\n${m.body}`, ...(s.channel ? { channel: s.channel } : {}), ...(s.username ? { username: s.username } : {}) }), {}, ctx),
    };
  },
};
