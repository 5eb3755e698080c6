import t from 'tap';
import { AuthorizationV1Api } from '@kubernetes/client-node';
import { loadKubeconfig, whoAmI } from '@tracehound/kube';
import { enricherKubeconfig, testKube } from './helpers.js';

/** What the shipped ClusterRole grants, asked of the real API server as the enricher's service account. */
t.test('k8s/base/enricher-rbac.yaml: exactly what the enricher needs, nothing more', async (t) => {
  const kube = await testKube();
  const kc = loadKubeconfig(await enricherKubeconfig(kube));
  t.equal(await whoAmI(kc), 'system:serviceaccount:tracehound:tracehound-enricher');
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const can = async (verb: string, resource: string, group = '', namespace?: string) => {
    const r = await authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { verb, resource, group, ...(namespace ? { namespace } : {}) } } } });
    return r.status?.allowed === true;
  };
  const allowed: Array<[string, string, string?]> = [
    ['list', 'pods'], ['watch', 'pods'], ['get', 'pods'], ['list', 'namespaces'], ['watch', 'namespaces'],
    ['get', 'replicasets', 'apps'], ['get', 'jobs', 'batch'],
  ];
  const denied: Array<[string, string, string?]> = [
    ['create', 'pods'], ['delete', 'pods'], ['patch', 'pods'], ['create', 'pods/exec'], ['get', 'pods/log'],
    ['list', 'secrets'], ['get', 'secrets'], ['list', 'configmaps'], ['list', 'nodes'], ['list', 'serviceaccounts'],
    ['list', 'replicasets', 'apps'], ['watch', 'jobs', 'batch'], ['get', 'deployments', 'apps'], ['get', 'cronjobs', 'batch'],
    ['update', 'namespaces'], ['create', 'clusterrolebindings', 'rbac.authorization.k8s.io'], ['impersonate', 'users'],
  ];
  for (const [verb, resource, group] of allowed) t.ok(await can(verb, resource, group), `may ${verb} ${group ? `${group}/` : ''}${resource}`);
  for (const [verb, resource, group] of denied) t.notOk(await can(verb, resource, group), `may not ${verb} ${group ? `${group}/` : ''}${resource}`);
  t.ok(await can('get', 'replicasets', 'apps', 'any-namespace'), 'owner lookups work in every namespace');
});
