import { TracehoundError, errorMessage } from '@tracehound/errors';

/** A failed attempt: retriable (the receiver may recover) or not (it never will as configured). */
export function deliveryError(message: string, o: { retriable: boolean; statusCode?: number; cause?: unknown }): TracehoundError {
  return new TracehoundError('TH_ERR_DELIVERY', message, {
    retriable: o.retriable,
    ...(o.cause === undefined ? {} : { cause: o.cause }),
    details: o.statusCode === undefined ? {} : { statusCode: o.statusCode },
  });
}

/** The status code a delivery error carries, if any. */
export function statusOf(err: unknown): number | undefined {
  const code = (err as TracehoundError | undefined)?.details?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

export { errorMessage };
