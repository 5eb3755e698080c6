import { registry } from '@tracehound/metrics';

/** This thread's value of a metric, summed over the series whose labels include `labels`; 0 when it has none. */
export async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) return 0;
  const { values } = await m.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, val]) => String((v.labels as Record<string, unknown>)[k]) === val))
    .filter((v) => !('metricName' in v) || v.metricName === name || v.metricName === undefined)
    .reduce((a, v) => a + v.value, 0);
}
