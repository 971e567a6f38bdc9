import type { VolumePair } from '../../shared/volume-pair.js';

// Command lines as documented in the Apptainer manual pages (apptainer-pull(1), -build(1),
// -instance-start(1), -run(1), -exec(1), -instance-list(1), -instance-stop(1)).

const bindArgs = (volumes: VolumePair[]): string[] =>
  volumes.flatMap(([host, container]) => ['--bind', `${host}:${container}`]);
const gpuArgs = (useGpu: boolean): string[] => (useGpu ? ['--nv'] : []);

export const versionCommand = (): string[] => ['--version'];

/** `docker://` over plain http for a loopback registry, as the engines do. */
export const pullCommand = (sifPath: string, reference: string, plainHttp: boolean): string[] => [
  'pull',
  '--force',
  ...(plainHttp ? ['--no-https'] : []),
  sifPath,
  `docker://${reference}`,
];

export const buildFromArchiveCommand = (sifPath: string, tarballPath: string): string[] => [
  'build',
  '--force',
  sifPath,
  `docker-archive://${tarballPath}`,
];

export const instanceStartCommand = (
  sifPath: string,
  name: string,
  volumes: VolumePair[],
  useGpu: boolean,
): string[] => ['instance', 'start', ...bindArgs(volumes), ...gpuArgs(useGpu), sifPath, name];

export const runCommand = (
  sifPath: string,
  volumes: VolumePair[],
  useGpu: boolean,
  args: string[],
): string[] => ['run', ...bindArgs(volumes), ...gpuArgs(useGpu), sifPath, ...args];

export const execCommand = (name: string, command: string): string[] => [
  'exec',
  `instance://${name}`,
  'sh',
  '-c',
  command,
];

export const instanceListCommand = (name?: string): string[] => [
  'instance',
  'list',
  '--json',
  ...(name ? [name] : []),
];

export const instanceStopCommand = (name: string, isForced: boolean): string[] => [
  'instance',
  'stop',
  ...(isForced ? ['-F'] : []),
  name,
];
