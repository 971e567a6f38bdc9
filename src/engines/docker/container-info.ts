import type { ContainerInfo, VolumePair } from '../container-engine.js';
import { parseBindSpec } from './bind-spec.js';

export interface ContainerInspect {
  Name: string;
  Image: string;
  State?: { Running?: boolean; Status?: string };
  HostConfig?: {
    Binds?: string[] | null;
    Mounts?: { Type?: string; Source?: string; Target?: string }[] | null;
  };
  Mounts?: { Type?: string; Source?: string; Name?: string; Destination?: string }[] | null;
}

/**
 * Volumes in the order they were asked for: `HostConfig.Mounts` (what the bridge creates, paths
 * kept whole) and `HostConfig.Binds` (`-v` of other tools). The top-level `Mounts` list has no
 * stable order, so it serves only when neither exists.
 */
const volumesOf = (inspect: ContainerInspect): VolumePair[] => {
  const requested: VolumePair[] = [
    ...(inspect.HostConfig?.Mounts ?? []).map(
      (mount): VolumePair => [mount.Source ?? '', mount.Target ?? ''],
    ),
    ...(inspect.HostConfig?.Binds ?? []).map(parseBindSpec),
  ];
  if (requested.length > 0) return requested;
  return (inspect.Mounts ?? []).map(
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
  imageSha: inspect.Image.startsWith('sha256:') ? inspect.Image : `sha256:${inspect.Image}`,
});
