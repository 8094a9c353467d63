import { createHash } from 'node:crypto';
import type { Prng } from '../prng.ts';

// longhorn-manager v1.7.2's naming rules (types/types.go, scheduler/replica_scheduler.go,
// go-common-libs io.GetDiskStat), so lab-sim's objects carry names a real cluster would.

/** util.RandomID: the first 8 characters of a v4 UUID, i.e. 8 random hex digits. */
const randomId = (prng: Prng): string => prng.hex(8);

/** GenerateReplicaNameForVolume: `<volume>-r-<random id>`. */
export const replicaName = (volume: string, prng: Prng): string => `${volume}-r-${randomId(prng)}`;

/** The replica scheduler gives every replica its own directory on the disk: `<volume>-<random id>`. */
export const dataDirectoryName = (volume: string, prng: Prng): string => `${volume}-${randomId(prng)}`;

/** GenerateEngineNameForVolume for a volume's first engine (a new one only comes with a live upgrade or migration). */
export const engineName = (volume: string): string => `${volume}-e-0`;

/** The default disk is named after the filesystem id, printed as 12 hex digits. */
export const defaultDiskName = (prng: Prng): string => `default-disk-${prng.hex(12)}`;

/** GetInstanceManagerName for the v1 data engine's all-in-one instance manager: SHA-512 of node + image + data engine, 32 hex digits. */
export function instanceManagerName(node: string, longhornVersion: string): string {
  const image = `longhornio/longhorn-instance-manager:${longhornVersion}`;
  return `instance-manager-${createHash('sha512').update(`${node}${image}v1`).digest('hex').slice(0, 32)}`;
}

/** GetOrphanChecksumNameForOrphanedDataStore: SHA-256 of node, disk name, path, UUID and directory. */
export function orphanName(node: string, disk: { name: string; path: string; uuid: string }, dataName: string): string {
  return `orphan-${createHash('sha256').update(`${node}-${disk.name}-${disk.path}-${disk.uuid}-${dataName}`).digest('hex')}`;
}
