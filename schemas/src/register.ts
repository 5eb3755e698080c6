import { errorMessage } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import { retry, type RetryOptions } from '@tracehound/retry';
import type { RecordName } from './avro-types.js';
import type { RecordCodec } from './codec.js';

/**
 * Producers register their schemas at start-up. An unreachable registry is waited for with
 * backoff and logged at each try; a schema the registry refuses stops start-up at once.
 */
export async function registerWithRetry<N extends RecordName>(codec: RecordCodec<N>, subject: string, registryUrl: string, logger: Logger, options: Partial<RetryOptions> = {}): Promise<number> {
  return retry(() => codec.register(subject), {
    onRetry: (err, attempt, delay) => logger.warn({ attempt, delayMs: delay, registry: registryUrl }, `schema registry at ${registryUrl}: ${errorMessage(err)}; retrying in ${delay} ms`),
    ...options,
  });
}
