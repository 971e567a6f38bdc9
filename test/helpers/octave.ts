import { execa } from 'execa';
import { repoRoot } from './paths.js';

export interface OctaveRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/**
 * Runs one test function of test/matlab in GNU Octave (the MATLAB stand-in), with the shim on
 * the path and, when asked, the Brainstorm stand-ins.
 */
export const runOctave = async (
  testFunction: string,
  options: { env?: NodeJS.ProcessEnv; brainstorm?: boolean } = {},
): Promise<OctaveRun> => {
  const paths = [`${repoRoot}matlab`, `${repoRoot}test/matlab`];
  if (options.brainstorm) paths.push(`${repoRoot}test/matlab/stubs`);
  const script = `${paths.map((path) => `addpath('${path}');`).join(' ')} ${testFunction}`;
  const result = await execa('octave-cli', ['--no-gui', '--quiet', '--no-init-file', '--eval', script], {
    env: options.env,
    reject: false,
    timeout: 240_000,
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
};
