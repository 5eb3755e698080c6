import { TracehoundError, errorMessage } from '@tracehound/errors';
import { retry, type RetryOptions } from '@tracehound/retry';
import { createKafka, type KafkaClientOptions } from './client.js';

/**
 * Start-up waits for the broker with backoff and says what it waits for, instead of crashing
 * and being restarted in a silent loop. Past the deadline the error names the brokers.
 */
export async function waitForKafka(client: KafkaClientOptions, options: Partial<RetryOptions> = {}): Promise<void> {
  const { brokers, logger } = client;
  // A probe client without kafkajs's own connection retries: the backoff here is the one that counts.
  const kafka = createKafka({ ...client, retry: { retries: 0 } });
  await retry(async () => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
    } catch (cause) {
      throw new TracehoundError('TH_ERR_UNREACHABLE', `Kafka at ${brokers} is not reachable: ${errorMessage(cause)}`, { cause });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }, {
    onRetry: (err, attempt, delay) => logger.warn({ attempt, delayMs: delay }, `${errorMessage(err)}; retrying in ${delay} ms`),
    ...options,
  });
}
