import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
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

/** Directories any imitated pod of this process made: the last pod out removes shared slices. */
const madeHere = new Set<string>();

/**
 * An imitated pod: the cgroup directories a kubelet and containerd would make under a cgroup v2
 * mount, one scope per container. remove() kills whatever is still inside and removes the
 * directories this object made, deepest first, and the shared slices above them that an imitated
 * pod of this process made once no other pod is in them — never a directory found existing.
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
      madeHere.add(d);
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
    const podDir = join(this.root, podCgroupPath(this.uid));
    const slices = [join(podDir, '..'), join(podDir, '..', '..')].filter((d) => madeHere.has(d));
    const stuck: string[] = [];
    for (const d of new Set([...this.made.splice(0).reverse(), ...slices])) {
      if (await removeCgroupDir(d)) madeHere.delete(d);
      else stuck.push(d);
    }
    // Shared slices (another pod's directories below them) are left for whoever empties them;
    // one of this pod's own directories left behind is a failure the cleanup reports.
    const own = stuck.filter((d) => d.startsWith(podDir));
    if (own.length) throw new Error(`cgroup directories still populated, not removed: ${own.join(', ')}`);
  }
}

/**
 * rmdir of a cgroup directory. A killed process leaves cgroup.procs at once but keeps its cgroup
 * populated until its parent reaps it (EBUSY meanwhile), so EBUSY on a directory without child
 * cgroups is retried for up to 5 s while the event loop reaps; one with child cgroups is shared.
 */
async function removeCgroupDir(d: string): Promise<boolean> {
  for (let i = 0; ; i++) {
    try {
      rmdirSync(d);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      const shared = code !== 'EBUSY' || readdirSync(d, { withFileTypes: true }).some((e) => e.isDirectory());
      if (shared || i >= 250) return false;
      await sleep(20);
    }
  }
}
