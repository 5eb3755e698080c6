/**
 * Which pod annotations go into events: exact keys, or prefixes written with a trailing "*".
 * Annotations can be large (last-applied-configuration); copying all of them would cost memory
 * per pod and bytes per event, so only chosen ones are kept.
 */
export type AnnotationFilter = (key: string) => boolean;

export function annotationFilter(spec: string): AnnotationFilter {
  const items = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const exact = new Set(items.filter((s) => !s.endsWith('*')));
  const prefixes = items.filter((s) => s.endsWith('*')).map((s) => s.slice(0, -1));
  return (key) => exact.has(key) || prefixes.some((p) => key.startsWith(p));
}
