import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;
const sources = new Set<() => Promise<MetricsJson>>();

/**
 * Metrics kept elsewhere in this process (the registries of its worker threads): what the registry
 * serves is this thread's metrics and theirs, merged with prom-client's aggregation (same series
 * summed, unless a metric names another aggregator). Returns the function that removes the source.
 */
export function addMetricsSource(source: () => Promise<MetricsJson>): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

class ProcessRegistry extends Registry {
  override async metrics(): Promise<string> {
    if (!sources.size) return super.metrics();
    const all = await Promise.all([this.getMetricsAsJSON(), ...[...sources].map((s) => s())]);
    return AggregatorRegistry.aggregate(all).metrics();
  }
}

/**
 * One Prometheus registry per process. Metrics are get-or-create by name so that a component
 * built twice in one process (the all-in-one process, or tests) shares its series instead of
 * throwing on a duplicate registration.
 */
export const registry: Registry = new ProcessRegistry();
let defaultsOn = false;

export function enableDefaultMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry, prefix: 'tracehound_' });
}

function getOrCreate<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function counter<L extends string>(cfg: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  return getOrCreate(cfg.name, () => new Counter<L>({ ...cfg, registers: [registry] }));
}

export function gauge<L extends string>(cfg: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  return getOrCreate(cfg.name, () => new Gauge<L>({ ...cfg, registers: [registry] }));
}

export function histogram<L extends string>(cfg: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
  return getOrCreate(cfg.name, () => new Histogram<L>({ ...cfg, registers: [registry] }));
}
