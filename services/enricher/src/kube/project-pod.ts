import type { AnnotationFilter } from './annotations.js';
import { Interner } from './intern.js';
import type { ContainerInfo, OwnerRef, PodInfo } from './model.js';
import { parseContainerId } from './runtime-prefix.js';

/** Something odd in an object that did not stop its projection (or did, for `fatal`). */
export interface ProjectionIssue {
  reason: string;
  /** e.g. the unknown runtime name, for the metric label */
  runtime?: string;
}

export type Projection<T> = { ok: true; value: T; issues: ProjectionIssue[] } | { ok: false; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A string map, dropping non-string values; the same empty object for none, to save memory. */
const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>;
/** Shared by every container without hostPath mounts; never mutated. */
const NO_PATHS: string[] = Object.freeze([]) as unknown as string[];
export function stringMap(v: unknown, keep: (k: string) => boolean = () => true): Record<string, string> {
  if (!isObj(v)) return EMPTY;
  let out: Record<string, string> | undefined;
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string' && keep(k)) (out ??= {})[k] = val;
  }
  return out ?? EMPTY;
}

function controllerOwner(meta: Obj, intern: Interner): OwnerRef | null {
  const refs = list(meta.ownerReferences).filter(isObj);
  const ref = refs.find((r) => r.controller === true) ?? refs[0];
  if (!ref) return null;
  const kind = str(ref.kind);
  const name = str(ref.name);
  return kind && name ? { kind: intern.str(kind), name: intern.str(name), uid: str(ref.uid) ?? '' } : null;
}

/** Container names → host paths of the hostPath volumes each mounts, and all of the pod's. */
function hostPathMounts(spec: Obj): { byVolume: Map<string, string>; all: string[] } {
  const byVolume = new Map<string, string>();
  for (const v of list(spec.volumes).filter(isObj)) {
    const name = str(v.name);
    const path = isObj(v.hostPath) ? str(v.hostPath.path) : null;
    if (name && path) byVolume.set(name, path);
  }
  return { byVolume, all: byVolume.size ? [...new Set(byVolume.values())] : NO_PATHS };
}

interface ContainerSpec {
  privileged: boolean;
  hostPaths: string[];
  image: string | null;
}

function containerSpecs(spec: Obj, byVolume: Map<string, string>): Map<string, ContainerSpec> {
  const out = new Map<string, ContainerSpec>();
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of list(spec[field]).filter(isObj)) {
      const name = str(c.name);
      if (!name) continue;
      const sc = isObj(c.securityContext) ? c.securityContext : {};
      const paths = list(c.volumeMounts).filter(isObj).map((m) => byVolume.get(str(m.name) ?? '')).filter((p): p is string => p !== undefined);
      out.set(name, { privileged: sc.privileged === true, hostPaths: paths.length ? [...new Set(paths)] : NO_PATHS, image: str(c.image) });
    }
  }
  return out;
}

const STATUS_FIELDS = ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'] as const;

/**
 * A pod object (from a list or a watch, typed or raw JSON) → PodInfo. Never throws: an object
 * without the identity the cache needs (uid, name, namespace) is refused with the reason;
 * anything else odd (no status, a containerID of an unknown form) is reported as an issue and
 * the rest of the pod is still usable.
 */
export function projectPod(obj: unknown, keepAnnotation: AnnotationFilter, intern: Interner = new Interner()): Projection<PodInfo> {
  if (!isObj(obj)) return { ok: false, reason: 'not an object' };
  if (!isObj(obj.metadata)) return { ok: false, reason: 'no metadata' };
  const meta = obj.metadata;
  const uid = str(meta.uid);
  const name = str(meta.name);
  const namespace = str(meta.namespace);
  if (!uid || !name || !namespace) return { ok: false, reason: `metadata lacks ${[!uid && 'uid', !name && 'name', !namespace && 'namespace'].filter(Boolean).join(', ')}` };
  const issues: ProjectionIssue[] = [];
  const spec = isObj(obj.spec) ? obj.spec : (issues.push({ reason: 'no spec' }), {});
  const { byVolume, all } = hostPathMounts(spec);
  const specs = containerSpecs(spec, byVolume);

  const containers: ContainerInfo[] = [];
  const seen = new Set<string>();
  if (!isObj(obj.status)) {
    if (obj.status !== undefined && obj.status !== null) issues.push({ reason: 'status is not an object' });
  } else {
    const status = obj.status;
    for (const field of STATUS_FIELDS) {
      if (status[field] !== undefined && status[field] !== null && !Array.isArray(status[field])) issues.push({ reason: `status.${field} is not a list` });
      for (const cs of list(status[field]).filter(isObj)) {
        const cname = str(cs.name);
        if (!cname) {
          issues.push({ reason: `status.${field} entry without a name` });
          continue;
        }
        let id: string | null = null;
        const raw = str(cs.containerID);
        if (raw) {
          const parsed = parseContainerId(raw);
          if (!parsed.ok) issues.push({ reason: parsed.reason });
          else {
            id = parsed.id;
            if (!parsed.known) issues.push({ reason: 'unknown runtime prefix', runtime: parsed.runtime });
          }
        }
        const s = specs.get(cname);
        seen.add(cname);
        containers.push({
          name: intern.str(cname),
          id,
          image: intern.str(str(cs.image) ?? s?.image ?? null),
          imageId: intern.str(str(cs.imageID)),
          privileged: s?.privileged ?? false,
          hostPaths: s?.hostPaths ?? NO_PATHS,
        });
      }
    }
  }
  // Containers with no status yet are still known by name (their id comes with the next update).
  for (const [cname, s] of specs) {
    if (!seen.has(cname)) containers.push({ name: intern.str(cname), id: null, image: intern.str(s.image), imageId: null, privileged: s.privileged, hostPaths: s.hostPaths });
  }

  return {
    ok: true,
    issues,
    value: {
      uid,
      namespace: intern.str(namespace),
      name,
      resourceVersion: str(meta.resourceVersion) ?? '',
      labels: intern.map(stringMap(meta.labels)),
      annotations: intern.map(stringMap(meta.annotations, keepAnnotation)),
      serviceAccount: intern.str(str(spec.serviceAccountName) ?? str(spec.serviceAccount)),
      node: intern.str(str(spec.nodeName)),
      owner: controllerOwner(meta, intern),
      hostPID: spec.hostPID === true,
      hostNetwork: spec.hostNetwork === true,
      hostIPC: spec.hostIPC === true,
      hostPaths: all,
      containers,
    },
  };
}

/** A namespace object → name and labels; refused without a name. */
export function projectNamespace(obj: unknown): Projection<{ name: string; labels: Record<string, string> }> {
  if (!isObj(obj) || !isObj(obj.metadata)) return { ok: false, reason: 'no metadata' };
  const name = str(obj.metadata.name);
  if (!name) return { ok: false, reason: 'metadata lacks name' };
  return { ok: true, issues: [], value: { name, labels: stringMap(obj.metadata.labels) } };
}

/** The identity of a deleted object, for DELETED watch events of objects the projection refuses. */
export function objectKey(obj: unknown): { uid: string | null; name: string | null; namespace: string | null } {
  const meta = isObj(obj) && isObj(obj.metadata) ? obj.metadata : {};
  return { uid: str(meta.uid), name: str(meta.name), namespace: str(meta.namespace) };
}
