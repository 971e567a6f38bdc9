import type { VolumePair } from '../../shared/volume-pair.js';

const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;

/**
 * Splits a `HostConfig.Binds` entry `host:container[:options]`. A Windows drive letter (`C:\x`)
 * belongs to the host path; the container path of a Linux container holds no `:`.
 */
export const parseBindSpec = (spec: string): VolumePair => {
  const hostEnd = spec.indexOf(':', WINDOWS_DRIVE.test(spec) ? 2 : 0);
  if (hostEnd === -1) return [spec, ''];
  const rest = spec.slice(hostEnd + 1);
  const containerEnd = rest.startsWith('/') ? rest.indexOf(':') : -1;
  return [spec.slice(0, hostEnd), containerEnd === -1 ? rest : rest.slice(0, containerEnd)];
};
