import { hostname } from 'node:os';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { createNamespace, setPodRunning } from '@tracehound/kube';
import type { ImitatedContainer } from './container.js';

const IMAGE = 'docker.io/library/busybox:1.37';

/**
 * The pod object of an imitated pod, on a real API server, so the enricher resolves the
 * imitated containers like real ones: created, then its status patched as a kubelet would once
 * its containers run. The uid comes from the server, so the pod is made before its cgroups.
 */
export class PodObject {
  private constructor(private readonly kc: KubeConfig, readonly namespace: string, readonly name: string, readonly uid: string) {}

  static async create(kc: KubeConfig, namespace: string, name: string, containers: string[]): Promise<PodObject> {
    const core = kc.makeApiClient(CoreV1Api);
    const exists = await core.readNamespace({ name: namespace }).then(() => true, () => false);
    if (!exists) await createNamespace(kc, namespace, { 'app.kubernetes.io/part-of': 'tracehound-simulate' });
    const pod = await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name, labels: { app: 'tracehound-simulate' } },
        spec: { nodeName: hostname(), containers: containers.map((c) => ({ name: c, image: IMAGE })) },
      },
    });
    return new PodObject(kc, namespace, name, pod.metadata!.uid!);
  }

  running(containers: ImitatedContainer[]): Promise<unknown> {
    return setPodRunning(this.kc, this.namespace, this.name, { containers: containers.map((c) => ({ name: c.name, id: c.id, image: IMAGE })) });
  }

  async delete(): Promise<void> {
    await this.kc.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace: this.namespace, name: this.name, gracePeriodSeconds: 0 }).catch(() => undefined);
  }
}
