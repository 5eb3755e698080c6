/**
 * What a simulation made, undone in reverse order, once: on the normal path, on a failure, and on
 * Ctrl-C (the command's main wires SIGINT/SIGTERM to run()). A failing step does not stop the others.
 */
export class Cleanup {
  private readonly steps: Array<{ what: string; undo: () => unknown }> = [];
  readonly failures: string[] = [];

  add(what: string, undo: () => unknown): void {
    this.steps.push({ what, undo });
  }

  async run(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.undo();
      } catch (err) {
        this.failures.push(`${step.what}: ${(err as Error).message}`);
      }
    }
  }
}
