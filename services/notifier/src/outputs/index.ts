import { mattermost } from './mattermost.js';
import { slack } from './slack.js';
import { smtp } from './smtp.js';
import { teams } from './teams.js';
import type { OutputKind } from './types.js';
import { webhook } from './webhook.js';

/** Every notification output: a new kind is one file and one line here. */
export const OUTPUTS: readonly OutputKind[] = [
  slack,
  webhook,
  smtp,
  teams,
  mattermost,
];

export const OUTPUT_KINDS = new Map(OUTPUTS.map((o) => [o.kind, o]));

export type { Message, OutputKind, SendContext, SendResult, Sender } from './types.js';
export { WEBHOOK_HEADERS, signBody } from './webhook.js';
