import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { asCaller, shimRoot } from './paths.js';
import { withRemoteEngine } from './remote-engine.js';

export interface OctaveRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

interface OctaveOptions {
  env?: NodeJS.ProcessEnv;
  /** With the stand-ins for Brainstorm's functions on the path. */
  brainstorm?: boolean;
  /** Folders of the repository to put on the path besides matlab and test/matlab. */
  paths?: string[];
  /** false: Octave gets `env` alone, not this process's environment too (a PATH without node). */
  extendEnv?: boolean;
}

const addPaths = (options: OctaveOptions) => {
  const paths = [
    'matlab',
    'test/matlab',
    ...(options.brainstorm ? ['test/matlab/stubs'] : []),
    ...(options.paths ?? []),
  ];
  return paths.map((path) => `addpath('${shimRoot}${path}');`).join(' ');
};

const OCTAVE_ARGS = ['--no-gui', '--quiet', '--no-init-file'];

/**
 * Runs one test function of test/matlab in GNU Octave (the MATLAB stand-in), with the shim on
 * the path and, when asked, the Brainstorm stand-ins.
 */
export const runOctave = async (testFunction: string, options: OctaveOptions = {}): Promise<OctaveRun> => {
  const argv = ['octave-cli', ...OCTAVE_ARGS, '--eval', `${addPaths(options)} ${testFunction}`];
  const octave =
    options.extendEnv === false
      ? { ...asCaller(argv), env: options.env ?? {} }
      : asCaller(argv, withRemoteEngine(options.env));
  const result = await execa(octave.file, octave.args, {
    env: octave.env,
    extendEnv: false,
    cwd: octave.cwd,
    reject: false,
    timeout: 240_000,
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
};

export interface OctaveSession {
  /** The process ID of Octave itself. */
  pid: number;
  /** Runs one command at Octave's prompt. */
  send(command: string): void;
  /** What Octave has printed so far. */
  output(): string;
  /** Settles once the output past its first `after` characters holds `text`; fails if Octave exits first. */
  waitFor(text: string, after?: number): Promise<void>;
  /** What Ctrl+C does in a terminal, to Octave alone: SIGINT, which Octave turns into an interrupt. */
  interrupt(): void;
  /** Quits Octave and gives everything it printed. */
  close(): Promise<OctaveRun>;
}

/**
 * An interactive Octave fed through its stdin: after an interrupt it goes back to its prompt and
 * takes the next command, in the same session (the shim's bridge, the stand-ins' records).
 */
export const startOctaveSession = (options: OctaveOptions = {}): OctaveSession => {
  const octave = asCaller(['octave-cli', ...OCTAVE_ARGS, '--interactive'], withRemoteEngine(options.env));
  const child = spawn(octave.file, octave.args, {
    env: octave.env,
    cwd: octave.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | undefined>((resolve) =>
    child.on('exit', (code) => resolve(code ?? undefined)),
  );
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const send = (command: string) => child.stdin.write(`${command}\n`);
  send(addPaths(options));
  return {
    pid: child.pid as number,
    send,
    output: () => stdout,
    waitFor: (text, after = 0) =>
      new Promise((resolve, reject) => {
        const look = () => {
          if (!stdout.includes(text, after)) return;
          child.stdout.off('data', look);
          resolve();
        };
        child.stdout.on('data', look);
        look();
        void exited.then(() =>
          reject(new Error(`Octave exited before printing ${text}:\n${stdout}\n${stderr}`)),
        );
      }),
    interrupt: () => child.kill('SIGINT'),
    close: async () => {
      send('exit');
      child.stdin.end();
      const exitCode = await exited;
      return { exitCode, stdout, stderr };
    },
  };
};
