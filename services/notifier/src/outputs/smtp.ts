import { Type } from '@sinclair/typebox';
import nodemailer from 'nodemailer';
import { deliveryError } from './failure.js';
import type { OutputKind } from './types.js';

const Address = Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'an e-mail address' });

const Settings = Type.Object({
  host: Type.String({ minLength: 1, maxLength: 253 }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  /** `starttls` (upgrade required, port 587), `tls` (implicit TLS, port 465) or `none` (only for a relay on loopback). */
  security: Type.Optional(Type.Union([Type.Literal('starttls'), Type.Literal('tls'), Type.Literal('none')], { default: 'starttls' })),
  user: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  from: Address,
  to: Type.Array(Address, { minItems: 1, maxItems: 50 }),
  /** PEM of a private CA that signed the server's certificate. */
  ca: Type.Optional(Type.String({ minLength: 1, maxLength: 65536 })),
}, { additionalProperties: false });

type SmtpSettings = { host: string; port: number; security?: 'starttls' | 'tls' | 'none'; user?: string; password?: string; from: string; to: string[]; ca?: string };

/** SMTP reply codes that will not change by retrying: authentication and policy refusals. */
const PERMANENT = (code: number | undefined) => code !== undefined && code >= 500 && code < 600;

/**
 * E-mail through an SMTP relay with nodemailer: STARTTLS required unless told otherwise, AUTH
 * when a user is set. 5xx replies (bad credentials 535, refused recipient 550) fail for good;
 * 4xx replies, timeouts and refused connections are retried.
 */
export const smtp: OutputKind<typeof Settings> = {
  kind: 'smtp',
  description: 'e-mail over SMTP (STARTTLS or TLS, AUTH)',
  settings: Settings,
  secrets: ['password'],
  create(settings) {
    const s = settings as SmtpSettings;
    const security = s.security ?? 'starttls';
    return {
      async send(m, ctx) {
        const transport = nodemailer.createTransport({
          host: s.host,
          port: s.port,
          secure: security === 'tls',
          requireTLS: security === 'starttls',
          ignoreTLS: security === 'none',
          ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
          ...(s.ca ? { tls: { ca: s.ca } } : {}),
          connectionTimeout: ctx.timeoutMs,
          greetingTimeout: ctx.timeoutMs,
          socketTimeout: ctx.timeoutMs,
        });
        const abort = () => transport.close();
        ctx.signal.addEventListener('abort', abort, { once: true });
        try {
          const info = await transport.sendMail({ from: s.from, to: s.to, subject: m.title, text: m.body, messageId: `<${m.id}@tracehound>`, headers: { 'X-Tracehound-Delivery': m.id } });
          return { statusCode: Number(/^(\d{3})/.exec(String(info.response))?.[1] ?? 250) };
        } catch (cause) {
          const code = (cause as { responseCode?: number }).responseCode;
          const what = (cause as { code?: string }).code;
          const reason = ctx.signal.aborted ? `no answer within ${ctx.timeoutMs} ms` : `${what ? `${what}: ` : ''}${(cause as Error).message}`;
          throw deliveryError(`SMTP ${s.host}:${s.port}: ${reason}`, { retriable: !PERMANENT(code) && what !== 'EAUTH', ...(code === undefined ? {} : { statusCode: code }), cause });
        } finally {
          ctx.signal.removeEventListener('abort', abort);
          transport.close();
        }
      },
    };
  },
};
