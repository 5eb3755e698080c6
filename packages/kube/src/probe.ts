import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TracehoundError } from '@tracehound/errors';

export interface ProbeTarget {
  url: string;
  token?: string;
  /** PEM to trust for https (the server's self-signed certificate). */
  ca?: string;
}

/** One GET; resolves with the body on 200, throws a retriable TH_ERR_UNREACHABLE otherwise. */
export function probeGet(t: ProbeTarget, timeoutMs = 2_000): Promise<string> {
  const url = new URL(t.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      timeout: timeoutMs,
      headers: t.token ? { authorization: `Bearer ${t.token}` } : {},
      ...(t.ca ? { ca: t.ca } : {}),
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        if (res.statusCode === 200) resolve(body);
        else reject(new TracehoundError('TH_ERR_UNREACHABLE', `${t.url} answered ${res.statusCode}: ${body.slice(0, 300)}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (cause) => reject(new TracehoundError('TH_ERR_UNREACHABLE', `${t.url}: ${cause.message}`, { cause })));
    req.end();
  });
}
