/** Which program answered `--version`, and what its release can do. */
export interface ApptainerProgram {
  flavour: 'apptainer' | 'singularity-ce';
  /** As printed: `1.5.3`, `4.1.0-jammy`, `1.3.4-1.el9`. */
  version: string;
  /** `--no-eval` for `run`: Apptainer 1.1, SingularityCE 3.10 (cmd/internal/cli/action_flags.go). */
  hasNoEval: boolean;
}

/**
 * The oldest release with every flag the engine uses (`-q`, `--disable-cache`, `--userns`,
 * `instance list --json`): cmd/internal/cli/{apptainer,build,pull,action_flags}.go@v1.0.0 and
 * cmd/internal/cli/{singularity,build,pull,action_flags}.go@v3.9.0 (SingularityCE).
 */
export const OLDEST: Record<ApptainerProgram['flavour'], [number, number]> = {
  apptainer: [1, 0],
  'singularity-ce': [3, 9],
};

const NO_EVAL_FROM: Record<ApptainerProgram['flavour'], [number, number]> = {
  apptainer: [1, 1],
  'singularity-ce': [3, 10],
};

const atLeast = ([major, minor]: [number, number], [fromMajor, fromMinor]: [number, number]) =>
  major > fromMajor || (major === fromMajor && minor >= fromMinor);

export type ProgramCheck =
  | { kind: 'supported'; program: ApptainerProgram }
  | { kind: 'too-old'; flavour: ApptainerProgram['flavour']; version: string }
  | { kind: 'unknown'; printed: string };

/**
 * `PACKAGE_NAME version VERSION` (cmd/internal/cli/apptainer.go@v1.5.3, SetVersionTemplate):
 * `apptainer version 1.5.3`, `singularity-ce version 4.5.1`. Anything else (Singularity 3.8 and
 * older, which print `singularity version`, or SingularityPRO) is not a release known here.
 */
export const checkProgram = (stdout: string): ProgramCheck => {
  const match = /^(apptainer|singularity-ce) version v?((\d+)\.(\d+)\S*)/m.exec(stdout.trim());
  if (!match) return { kind: 'unknown', printed: stdout.trim() };
  const flavour = match[1] as ApptainerProgram['flavour'];
  const version = match[2] as string;
  const numbers: [number, number] = [Number(match[3]), Number(match[4])];
  if (!atLeast(numbers, OLDEST[flavour])) return { kind: 'too-old', flavour, version };
  return {
    kind: 'supported',
    program: { flavour, version, hasNoEval: atLeast(numbers, NO_EVAL_FROM[flavour]) },
  };
};
