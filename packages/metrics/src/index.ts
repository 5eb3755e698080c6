import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

/**
 * One Prometheus registry per process. Metrics are get-or-create by name so that a component
 * built twice in one process (the all-in-one process, or tests) shares its series instead of
 * throwing on a duplicate registration.
 */
export const registry = new Registry();
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
