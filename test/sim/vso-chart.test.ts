import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LabSim } from '../../engine/sim/index.ts';
import { bearerToken, getJson, kubectl, startTestSim } from '../helpers/lab-sim.ts';

const NS = 'vault-secrets-operator';
const NAME = 'vault-secrets-operator-controller-manager';

// vault-secrets-operator chart 0.9.1, templates/deployment.yaml rendered with its default values.
const CHART = {
  'kube-rbac-proxy': {
    image: 'quay.io/brancz/kube-rbac-proxy:v0.18.1',
    args: ['--secure-listen-address=0.0.0.0:8443', '--upstream=http://127.0.0.1:8080/', '--logtostderr=true', '--v=0'],
  },
  manager: {
    image: 'hashicorp/vault-secrets-operator:0.9.1',
    args: [
      '--health-probe-bind-address=:8081',
      '--metrics-bind-address=127.0.0.1:8080',
      '--leader-elect',
      '--global-vault-auth-options=allow-default-globals',
      '--backoff-initial-interval=5s',
      '--backoff-max-interval=60s',
      '--backoff-max-elapsed-time=0s',
      '--backoff-multiplier=1.50',
      '--backoff-randomization-factor=0.50',
      '--zap-log-level=info',
      '--zap-time-encoding=rfc3339',
      '--zap-stacktrace-level=panic',
    ],
  },
};

type Container = { name: string; image: string; args?: string[]; command?: string[] };

describe("lab-sim's VSO controller-manager has the chart's two containers", () => {
  let sim: LabSim;
  before(async () => {
    sim = await startTestSim();
    await sim.advance(30_000);
  });
  after(() => sim.stop());

  const get = async (path: string) => getJson(`${sim.urls.kube}${path}`, { authorization: `Bearer ${bearerToken(sim)}` });

  it('the Deployment runs kube-rbac-proxy then manager, with the chart images and args; manager is the default container', async () => {
    const { body: d } = await get(`/apis/apps/v1/namespaces/${NS}/deployments/${NAME}`);
    const containers = d.spec.template.spec.containers as Container[];
    assert.deepEqual(containers.map((c) => c.name), ['kube-rbac-proxy', 'manager']);
    for (const c of containers) assert.deepEqual({ image: c.image, args: c.args }, CHART[c.name as keyof typeof CHART], c.name);
    assert.deepEqual(containers[1]?.command, ['/vault-secrets-operator']);
    assert.equal(d.spec.template.metadata.annotations['kubectl.kubernetes.io/default-container'], 'manager');
  });

  it('its pod reports both containers ready (2/2), and kubectl logs reads the manager', async () => {
    const { body: pods } = await get(`/api/v1/namespaces/${NS}/pods`);
    const pod = pods.items.find((p: { metadata: { name: string } }) => p.metadata.name.startsWith(`${NAME}-`));
    assert.deepEqual(pod.status.containerStatuses.map((s: { name: string; ready: boolean; image: string }) => [s.name, s.ready, s.image]), [
      ['kube-rbac-proxy', true, CHART['kube-rbac-proxy'].image],
      ['manager', true, CHART.manager.image],
    ]);
    assert.match(await kubectl(sim, 'get', 'pods', '-n', NS), new RegExp(`${pod.metadata.name}\\s+2/2\\s+Running`));
    assert.match(await kubectl(sim, 'logs', '-n', NS, pod.metadata.name), /INFO starting hashicorp\/vault-secrets-operator:0\.9\.1/);
    const bare = await get(`/api/v1/namespaces/${NS}/pods/${pod.metadata.name}/log`);
    assert.equal(bare.status, 400);
    assert.equal(bare.body.message, `a container name must be specified for pod ${pod.metadata.name}, choose one of: [kube-rbac-proxy manager]`);
  });
});
