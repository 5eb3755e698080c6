/**
 * Container attribution from a cgroup v2 path. Runtimes name a container's cgroup differently;
 * each form is one entry in RUNTIME_FORMS. The pod uid, when the path carries it, is a second
 * key the enricher can use while the container id is not yet in the pod's status.
 */
export interface ContainerRef {
  containerId: string;
  runtime: 'containerd' | 'cri-o' | 'docker' | 'podman' | 'unknown';
  podUid: string | null;
}

interface RuntimeForm {
  runtime: ContainerRef['runtime'];
  /** Matches one path segment; group 1 is the 64-hex container id. */
  segment: RegExp;
}

const HEX64 = '([0-9a-f]{64})';

export const RUNTIME_FORMS: RuntimeForm[] = [
  { runtime: 'containerd', segment: new RegExp(`^cri-containerd-${HEX64}\\.scope$`) },
  { runtime: 'cri-o', segment: new RegExp(`^crio-${HEX64}\\.scope$`) },
  { runtime: 'docker', segment: new RegExp(`^docker-${HEX64}\\.scope$`) },
  { runtime: 'podman', segment: new RegExp(`^libpod-${HEX64}\\.scope$`) },
  // cgroupfs driver: kubepods/<qos>/pod<uid>/<id>, or /docker/<id>
  { runtime: 'unknown', segment: new RegExp(`^${HEX64}$`) },
];

// kubepods-burstable-pod1f0e2d3c_4b5a_6978_8a9b_0c1d2e3f4a5b.slice or pod1f0e2d3c-4b5a-….
const POD_SEGMENT = /(?:^|-)pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?$/;

export function parseCgroupPath(path: string): ContainerRef | null {
  const segments = path.split('/').filter(Boolean);
  let podUid: string | null = null;
  for (const s of segments) {
    const pod = POD_SEGMENT.exec(s);
    if (pod) podUid = pod[1]!.replace(/_/g, '-');
  }
  // The innermost container-shaped segment wins (nested runtimes put the inner one last).
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i]!;
    if (s.startsWith('crio-conmon-')) return null; // CRI-O's monitor process is not the container
    for (const form of RUNTIME_FORMS) {
      const m = form.segment.exec(s);
      if (m) {
        const runtime = form.runtime === 'unknown' && segments.includes('docker') ? 'docker' : form.runtime;
        return { containerId: m[1]!, runtime, podUid };
      }
    }
  }
  return null;
}
