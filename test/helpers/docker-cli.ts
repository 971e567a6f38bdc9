import { execa } from 'execa';

/** The docker CLI, for test setup and for checking from outside what the bridge did. */
export const docker = async (...args: string[]): Promise<string> => {
  const { stdout } = await execa('docker', args);
  return stdout.trim();
};

export const dockerOk = async (...args: string[]): Promise<boolean> => {
  const { exitCode } = await execa('docker', args, { reject: false });
  return exitCode === 0;
};

export const removeContainer = (name: string) => execa('docker', ['rm', '-f', name], { reject: false });
export const removeImageQuietly = (name: string) => execa('docker', ['rmi', '-f', name], { reject: false });
