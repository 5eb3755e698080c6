/**
 * A real Kubernetes API server for tests and the local stack: kube-apiserver and etcd built from
 * the Go module proxy (go/), cached under the cache dir, run on loopback with an admin token and a
 * service-account signing key. No kubelet: pods never run; tests patch their status instead.
 */
export { kubeUp, kubeDown, kubeStatus, type KubeUp, type KubeComponentName, type KubeComponentStatus } from './server.js';
export { ensureKubeBinaries, BUILD_SCRIPT, type KubeBinaries } from './build.js';
export { loadKubeSettings, kubeLayout, KUBE_HOST, type KubeSettings } from './settings.js';
export { writeKubeconfig, loadKubeconfig, type KubeconfigSpec } from './kubeconfig.js';
export { ADMIN_USER } from './pki.js';
export { createNamespace, runningStatus, setPodRunning, patchPodStatus, applyManifest, serviceAccountKubeconfig, whoAmI, type ContainerState, type PodStatusPatch } from './fixtures.js';
export { probeGet } from './probe.js';
