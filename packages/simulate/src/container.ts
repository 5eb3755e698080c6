import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A container runtime id as containerd writes it: 64 hex digits. */
export const newContainerId = () => randomBytes(32).toString('hex');

/** The cgroup v2 directory of a BestEffort pod, as the systemd driver names it (relative to the cgroup root). */
export function podCgroupPath(podUid: string): string {
  return `kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${podUid.replace(/-/g, '_')}.slice`;
}

/** The cgroup of one containerd container of that pod. */
export function containerCgroupPath(podUid: string, containerId: string): string {
  return `${podCgroupPath(podUid)}/cri-containerd-${containerId}.scope`;
}

export interface ImitatedContainer {
  name: string;
  id: string;
  /** Its cgroup.procs: a process joins by writing its pid there. */
  procs: string;
}

/**
 * An imitated pod: the cgroup directories a kubelet and containerd would make under a cgroup v2
 * mount, one scope per container. remove() kills whatever is still inside and removes exactly
 * the directories this object made, deepest first.
 */
export class ImitatedPod {
  readonly containers: ImitatedContainer[] = [];
  private readonly made: string[] = [];

  constructor(readonly root: string, readonly uid: string = randomUUID()) {}

  private mkdirs(rel: string): string {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const d = join(this.root, ...parts.slice(0, i));
      if (existsSync(d)) continue;
      mkdirSync(d);
      this.made.push(d);
    }
    return join(this.root, rel);
  }

  container(name: string, id = newContainerId()): ImitatedContainer {
    const c = { name, id, procs: join(this.mkdirs(containerCgroupPath(this.uid, id)), 'cgroup.procs') };
    this.containers.push(c);
    return c;
  }

  pids(): number[] {
    return this.containers.flatMap((c) => {
      try {
        return readFileSync(c.procs, 'utf8').split('\n').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  }

  async remove(): Promise<void> {
    for (let i = 0; i < 100 && this.pids().length; i++) {
      for (const pid of this.pids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await sleep(20);
    }
    for (const d of this.made.splice(0).reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // a slice another pod still uses (made by us, now shared): left for whoever empties it
      }
    }
  }
}
