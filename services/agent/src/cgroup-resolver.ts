import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCgroupPath, type ContainerRef } from './container-id.js';

/** Where cgroup v2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts). */
export function findCgroup2Mount(mountinfo = '/proc/self/mountinfo'): string | null {
  for (const line of readFileSync(mountinfo, 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (post?.startsWith('cgroup2 ')) return pre!.split(' ')[4] ?? null;
  }
  return null;
}

export interface ResolvedCgroup {
  path: string | null;
  container: ContainerRef | null;
}

/**
 * Maps a kernel cgroup id (the cgroup v2 directory's inode) to its path and container, cached
 * by id. The fast way is the process's own /proc/<pid>/cgroup; when the process is already
 * gone, a walk of the cgroup tree finds the directory with that inode. Every new id gets one
 * walk (a cgroup made after the last walk is found), bounded by MAX_WALKS_PER_S overall.
 */
const MISS_TTL_MS = 5_000;
const MAX_WALKS_PER_S = 20;

export class CgroupResolver {
  private readonly cache = new Map<number, ResolvedCgroup>();
  /** Ids a walk did not find, and when: not walked for again within MISS_TTL_MS. */
  private readonly missed = new Map<number, number>();
  private walks: number[] = [];

  constructor(private readonly root: string | null, private readonly maxEntries = 20_000, private readonly procRoot = '/proc') {}

  resolve(cgroupId: number, pid: number): ResolvedCgroup {
    const hit = this.cache.get(cgroupId);
    if (hit) return hit;
    const path = this.fromProc(cgroupId, pid) ?? this.fromWalk(cgroupId);
    const resolved = { path, container: path ? parseCgroupPath(path) : null };
    if (path) this.remember(cgroupId, resolved);
    return resolved;
  }

  get size(): number {
    return this.cache.size;
  }

  private remember(id: number, r: ResolvedCgroup): void {
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, r);
  }

  private fromProc(cgroupId: number, pid: number): string | null {
    let text: string;
    try {
      text = readFileSync(`${this.procRoot}/${pid}/cgroup`, 'utf8');
    } catch {
      return null;
    }
    const line = text.split('\n').find((l) => l.startsWith('0::'));
    if (!line) return null;
    const path = line.slice(3);
    // The process may have moved since the event; trust the path only if the inode matches.
    if (this.root) {
      try {
        if (statSync(join(this.root, path)).ino !== cgroupId) return null;
      } catch {
        return null;
      }
    }
    return path;
  }

  private fromWalk(cgroupId: number): string | null {
    const now = Date.now();
    if (!this.root || now - (this.missed.get(cgroupId) ?? -Infinity) < MISS_TTL_MS) return null;
    this.walks = this.walks.filter((t) => now - t < 1_000);
    if (this.walks.length >= MAX_WALKS_PER_S) return null;
    this.walks.push(now);
    const found = this.walk(cgroupId);
    if (found === null) {
      if (this.missed.size >= this.maxEntries) this.missed.clear();
      this.missed.set(cgroupId, now);
    }
    return found;
  }

  private walk(cgroupId: number): string | null {
    if (!this.root) return null;
    const stack: Array<[string, number]> = [['', 0]];
    while (stack.length) {
      const [rel, depth] = stack.pop()!;
      let entries;
      try {
        entries = readdirSync(join(this.root, rel), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const child = `${rel}/${e.name}`;
        try {
          const ino = statSync(join(this.root, child)).ino;
          if (ino === cgroupId) return child;
          if (!this.cache.has(ino)) this.remember(ino, { path: child, container: parseCgroupPath(child) });
        } catch {
          continue;
        }
        if (depth < 12) stack.push([child, depth + 1]);
      }
    }
    return null;
  }
}
