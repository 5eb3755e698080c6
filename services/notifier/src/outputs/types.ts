import type { TSchema } from '@sinclair/typebox';
import type { Alert } from '@tracehound/schemas';

/** One notification: one alert, or several alerts of one rule grouped in a window. */
export interface Message {
  /** Stable across attempts and restarts: receivers may use it to drop repeats. */
  id: string;
  routeId: string;
  routeName: string;
  title: string;
  body: string;
  alerts: Alert[];
}

/** What a delivery answered: a status code when the receiver sent one. */
export interface SendResult {
  statusCode?: number;
}

export interface SendContext {
  /** Abort the attempt (the route's timeout). */
  signal: AbortSignal;
  timeoutMs: number;
}

export interface Sender {
  send(message: Message, ctx: SendContext): Promise<SendResult>;
  close?(): void;
}

/**
 * One kind of notification output: its settings (a TypeBox schema, checked when a route is
 * stored) and a factory. A new kind is one file and one line in outputs/index.ts.
 */
export interface OutputKind<S extends TSchema = TSchema> {
  kind: string;
  description: string;
  settings: S;
  /** Fields of the settings that are secrets: never shown back by the API. */
  secrets: readonly string[];
  create(settings: unknown): Sender;
}
