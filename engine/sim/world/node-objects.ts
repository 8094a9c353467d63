import type { KubeObject } from '../kube/kube-object.ts';
import type { NodeSpec } from '../topology/topology-types.ts';

const KI_PER_GI = 1024 * 1024;

function memoryKi(text: string): string {
  const m = /^(\d+)(Gi|Mi)$/.exec(text);
  if (!m) return text;
  return `${Number(m[1]) * (m[2] === 'Gi' ? KI_PER_GI : 1024)}Ki`;
}

/** Conditions of a node whose kubelet is posting status; Ready is the one that flips. */
export const HEALTHY_NODE_CONDITIONS: Record<string, { status: string; reason: string; message: string }> = {
  MemoryPressure: { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  DiskPressure: { status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  PIDPressure: { status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  Ready: { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
};

/** 10.42.<n>.0/24 per node, spilling into 10.43+ past 256 nodes. */
export function podCidr(index: number): string {
  return `10.${42 + Math.floor(index / 256)}.${index % 256}.0/24`;
}

export interface NodeInfo {
  index: number;
  kubeletVersion: string;
  bootId: string;
  machineId: string;
  createdAt: string;
  readyAt: string;
}

/** A k3s node object as the kubelet registers it. */
export function nodeObject(spec: NodeSpec, info: NodeInfo): KubeObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'arm64',
    'beta.kubernetes.io/instance-type': 'k3s',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'arm64',
    'kubernetes.io/hostname': spec.name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': 'k3s',
  };
  for (const role of spec.roles) labels[`node-role.kubernetes.io/${role}`] = 'true';
  if (!spec.generated) labels['node.longhorn.io/create-default-disk'] = 'true';
  const capacity = { cpu: spec.cpu, 'ephemeral-storage': '61202244Ki', memory: memoryKi(spec.memory), pods: '110' };

  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels,
      annotations: {
        'k3s.io/hostname': spec.name,
        'k3s.io/internal-ip': spec.internalIP,
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
      creationTimestamp: info.createdAt,
    },
    spec: {
      podCIDR: podCidr(info.index),
      podCIDRs: [podCidr(info.index)],
      providerID: `k3s://${spec.name}`,
      // Generated benchmark agents only carry their static load: keep the lab's workloads off them.
      ...(spec.generated ? { taints: [{ key: 'lab-sim/generated', value: 'load', effect: 'NoSchedule' }] } : {}),
    },
    status: {
      capacity,
      allocatable: capacity,
      conditions: Object.entries(HEALTHY_NODE_CONDITIONS).map(([type, c]) => ({
        type,
        ...c,
        lastHeartbeatTime: info.readyAt,
        lastTransitionTime: info.readyAt,
      })),
      addresses: [
        { type: 'InternalIP', address: spec.internalIP },
        { type: 'Hostname', address: spec.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: info.machineId,
        systemUUID: info.machineId,
        bootID: info.bootId,
        kernelVersion: spec.kernelVersion,
        osImage: spec.osImage,
        containerRuntimeVersion: spec.containerRuntimeVersion,
        kubeletVersion: info.kubeletVersion,
        kubeProxyVersion: info.kubeletVersion,
        operatingSystem: 'linux',
        architecture: 'arm64',
      },
    },
  };
}
