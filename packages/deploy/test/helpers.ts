import { fileURLToPath } from 'node:url';
import { parseManifests, type Manifest } from '../src/manifests.js';
import { renderKustomization } from '../src/tools.js';

export const BASE = fileURLToPath(new URL('../../../k8s/base', import.meta.url));
export const OVERLAY = fileURLToPath(new URL('../../../k8s/overlays/example', import.meta.url));

const cache = new Map<string, Promise<Manifest[]>>();
/** The rendered kustomization, parsed (once per file). */
export function rendered(dir: string): Promise<Manifest[]> {
  if (!cache.has(dir)) cache.set(dir, renderKustomization(dir).then(parseManifests));
  return cache.get(dir)!;
}
