import { Type } from '@sinclair/typebox';
import type { Severity } from '@tracehound/schemas';
import { postJson } from './http.js';
import { HttpUrl } from './slack.js';
import type { OutputKind } from './types.js';

const Settings = Type.Object({ url: HttpUrl }, { additionalProperties: false });

const COLOR: Record<Severity, string> = { info: '808080', low: '2E86C1', medium: 'F1C40F', high: 'E67E22', critical: 'C0392B' };

/** Microsoft Teams incoming webhook: a MessageCard coloured by the highest severity. */
export const teams: OutputKind<typeof Settings> = {
  kind: 'teams',
  description: 'Microsoft Teams incoming webhook (MessageCard)',
  settings: Settings,
  secrets: ['url'],
  create(settings) {
    const { url } = settings as { url: string };
    return {
      send: (m, ctx) => postJson(url, JSON.stringify({
        '@type': 'MessageCard',
        '@context': 'https://schema.org/extensions',
        summary: m.title,
        title: m.title,
        text: m.body,
        themeColor: COLOR[m.alerts[0]?.severity ?? 'medium'],
      }), {}, ctx),
    };
  },
};
