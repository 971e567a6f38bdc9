import type { VolumePair } from '../../shared/volume-pair.js';
import type { GpuSelection } from '../gpu-selection.js';
import type { ApptainerProgram } from './program.js';

// Command lines as the Apptainer sources read them (cmd/internal/cli/*.go@v1.5.3, and back to
// v1.0.0 and SingularityCE v3.9.0 for the flags used).

/**
 * `-q` before every command: Apptainer's INFO and WARNING lines go to stderr (pkg/sylog/sylog.go
 * @v1.5.3) and would end up in a command's output; errors (FATAL, ERROR) are still printed.
 */
const QUIET = '-q';

/** What `--bind` cannot carry, as pkg/runtime/engine/apptainer/config/bind.go@v1.5.3 parses it. */
export const bindProblem = ([host, container]: VolumePair): string | undefined => {
  for (const [which, path] of [
    ['host', host],
    ['container', container],
  ] as const) {
    // ParseBindPath trims each part, and its pattern `[^,^:]+` splits at `^` as well.
    if (path.trim() !== path) return `the ${which} path "${path}" starts or ends with a space`;
    if (path.includes('^')) return `the ${which} path "${path}" contains ^`;
    if (path.includes('\\')) return `the ${which} path "${path}" contains a backslash`;
  }
  // Only the source is unescaped (newBindPath), and only one escaped separator is read back whole.
  if (/[,:]/.test(container)) return `the container path "${container}" contains "," or ":"`;
  if ((host.match(/[,:]/g) ?? []).length > 1)
    return `the host path "${host}" contains more than one "," or ":"`;
  return undefined;
};

/** `\,` and `\:` in the source: ParseBindPath reads them as part of the path. */
export const bindSpec = ([host, container]: VolumePair): string =>
  `${host.replace(/([,:])/g, '\\$1')}:${container}`;

const bindArgs = (volumes: VolumePair[]): string[] => volumes.flatMap((pair) => ['--bind', bindSpec(pair)]);
/**
 * `--nv` makes every NVIDIA device of the host present; which of them CUDA programs use is
 * CUDA_VISIBLE_DEVICES's to say ("Multiple GPUs", gpu.rst of apptainer/apptainer-userdocs). In a
 * Slurm job both are the job's: Apptainer runs in its device cgroup and inherits its environment
 * unchanged, so the job's selection needs nothing more.
 */
const gpuArgs = (gpus: GpuSelection | undefined): string[] => (gpus ? ['--nv'] : []);

export const versionCommand = (): string[] => ['--version'];

/** `docker://` over plain http for a loopback registry, as the engines do. */
export const pullCommand = (sifPath: string, reference: string, plainHttp: boolean): string[] => [
  QUIET,
  'pull',
  '--force',
  ...(plainHttp ? ['--no-https'] : []),
  sifPath,
  `docker://${reference}`,
];

/**
 * `docker-archive:PATH`: the path is what follows the first `:` up to the next one
 * (internal/pkg/ociimage/fetch.go@v1.5.3, `strings.SplitN(imageURI, ":", 3)`), so PATH has none.
 * No cache: the archive is read once, and the cache would keep a second copy of its layers.
 */
export const buildFromArchiveCommand = (sifPath: string, archivePath: string): string[] => [
  QUIET,
  'build',
  '--force',
  '--disable-cache',
  sifPath,
  `docker-archive:${archivePath}`,
];

export const instanceStartCommand = (
  sifPath: string,
  name: string,
  volumes: VolumePair[],
  gpus: GpuSelection | undefined,
  userns = false,
): string[] => [
  QUIET,
  'instance',
  'start',
  ...(userns ? ['--userns'] : []),
  ...bindArgs(volumes),
  ...gpuArgs(gpus),
  sifPath,
  name,
];

/** `--no-eval`: the runscript passes the arguments on as they are, without evaluating `$`, quotes or backticks. */
export const runCommand = (
  program: ApptainerProgram,
  sifPath: string,
  volumes: VolumePair[],
  gpus: GpuSelection | undefined,
  args: string[],
): string[] => [
  QUIET,
  'run',
  ...(program.hasNoEval ? ['--no-eval'] : []),
  ...bindArgs(volumes),
  ...gpuArgs(gpus),
  sifPath,
  ...args,
];

export const execCommand = (name: string, command: string[]): string[] => [
  QUIET,
  'exec',
  `instance://${name}`,
  ...command,
];

export const instanceListCommand = (name?: string): string[] => [
  QUIET,
  'instance',
  'list',
  '--json',
  ...(name ? [name] : []),
];

export const instanceStopCommand = (name: string, isForced: boolean): string[] => [
  QUIET,
  'instance',
  'stop',
  ...(isForced ? ['-F'] : []),
  name,
];
