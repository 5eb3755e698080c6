/**
 * The alerts each route has finished with (delivered, failed for good or dropped), from the
 * delivery log: an alert read again after a restart is not sent again. Bounded: past `max`
 * entries the oldest are forgotten (they are far behind any committed offset by then).
 */
export class DeliveredSet {
  private readonly keys = new Set<string>();

  constructor(private readonly max = 1_000_000) {}

  add(routeId: string, alertIds: readonly string[]): void {
    for (const id of alertIds) {
      const k = `${routeId}\u0000${id}`;
      this.keys.delete(k);
      this.keys.add(k);
    }
    while (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value!);
  }

  has(routeId: string, alertId: string): boolean {
    return this.keys.has(`${routeId}\u0000${alertId}`);
  }

  get size(): number {
    return this.keys.size;
  }
}
