import { deliveryError } from './failure.js';
import type { SendContext, SendResult } from './types.js';

/**
 * POSTs a JSON body and classifies the answer: 2xx delivered; 408, 425, 429 and 5xx retriable;
 * other 4xx and every redirect refused for good (redirects are not followed: a webhook URL that
 * moved must be fixed, not chased with the signed body). Timeouts and network errors are retriable.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, ctx: SendContext): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, redirect: 'manual', signal: ctx.signal });
  } catch (cause) {
    const timedOut = ctx.signal.aborted;
    const reason = timedOut ? `no answer within ${ctx.timeoutMs} ms` : `${(cause as Error).message}${(cause as { cause?: Error }).cause ? `: ${(cause as { cause: Error }).cause.message}` : ''}`;
    throw deliveryError(`POST ${redactUrl(url)}: ${reason}`, { retriable: true, cause });
  }
  const text = await res.text().catch(() => '');
  if (res.status >= 200 && res.status < 300) return { statusCode: res.status };
  if (res.status >= 300 && res.status < 400) {
    throw deliveryError(`POST ${redactUrl(url)}: redirected (${res.status}) to ${res.headers.get('location') ?? '<none>'}; redirects are not followed`, { retriable: false, statusCode: res.status });
  }
  const retriable = res.status >= 500 || [408, 425, 429].includes(res.status);
  throw deliveryError(`POST ${redactUrl(url)}: HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, { retriable, statusCode: res.status });
}

/** Webhook URLs often carry their secret in the path (Slack, Teams): show scheme, host and the start of the path only. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.length > 12 ? `${u.pathname.slice(0, 12)}…` : u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}
