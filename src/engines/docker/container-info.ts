import { withSha256 } from '../../registry/image-spec.js';
import type { VolumePair } from '../../shared/volume-pair.js';
import type { ContainerInfo } from '../container-engine.js';
import { parseBindSpec } from './bind-spec.js';

interface Mount {
  Type?: string;
  Source?: string;
  Name?: string;
  Destination?: string;
}

export interface ContainerInspect {
  Name: string;
  Image: string;
  State?: { Running?: boolean; Status?: string };
  HostConfig?: {
    Binds?: string[] | null;
    Mounts?: { Type?: string; Source?: string; Target?: string }[] | null;
  };
  Mounts?: Mount[] | null;
}

/** Where a mount was asked for among the `-v` specs, so the list keeps the order the user gave. */
const bindIndex = (binds: string[], mount: Mount): number => {
  const index = binds.findIndex((spec) => spec.includes(`:${mount.Destination}`));
  return index === -1 ? binds.length : index;
};

/**
 * Volumes in the order they were asked for, paths whole. `HostConfig.Mounts` is what the bridge
 * creates with Docker. Otherwise the top-level `Mounts` have whole paths but no stable order, and
 * `HostConfig.Binds` (`-v`, and Podman's form of every mount) have the order but split badly on
 * a path with `:`; the Mounts are taken, in the order of the Binds.
 */
const volumesOf = (inspect: ContainerInspect): VolumePair[] => {
  const created = inspect.HostConfig?.Mounts ?? [];
  if (created.length > 0) return created.map((mount): VolumePair => [mount.Source ?? '', mount.Target ?? '']);
  const binds = inspect.HostConfig?.Binds ?? [];
  const mounts = inspect.Mounts ?? [];
  if (mounts.length === 0) return binds.map(parseBindSpec);
  return [...mounts]
    .sort((a, b) => bindIndex(binds, a) - bindIndex(binds, b))
    .map(
      (mount): VolumePair => [
        mount.Type === 'volume' ? (mount.Name ?? '') : (mount.Source ?? ''),
        mount.Destination ?? '',
      ],
    );
};

export const toContainerInfo = (inspect: ContainerInspect): ContainerInfo => ({
  name: inspect.Name.replace(/^\//, ''),
  isRunning: inspect.State?.Running === true,
  volumes: volumesOf(inspect),
  imageSha: withSha256(inspect.Image),
});
