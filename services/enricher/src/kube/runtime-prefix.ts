/**
 * status.containerStatuses[].containerID is "<runtime>://<id>". The cgroup path (and so the
 * agent's container_id) carries the bare id, so the prefix goes. Known runtimes are listed so an
 * unexpected one is counted and logged, not silently trusted; it is still stripped and indexed.
 */
export const KNOWN_RUNTIMES = new Set(['containerd', 'cri-o', 'docker', 'podman', 'crio']);

const FORM = /^([a-z0-9][a-z0-9.+-]*):\/\/([A-Za-z0-9][A-Za-z0-9_.-]*)$/;

export type ParsedContainerId =
  | { ok: true; runtime: string; id: string; known: boolean }
  | { ok: false; reason: string };

export function parseContainerId(value: string): ParsedContainerId {
  const m = FORM.exec(value);
  if (!m) return { ok: false, reason: value === '' ? 'empty containerID' : 'containerID is not <runtime>://<id>' };
  const runtime = m[1]!;
  return { ok: true, runtime, id: m[2]!.toLowerCase(), known: KNOWN_RUNTIMES.has(runtime) };
}
