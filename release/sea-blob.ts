import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * Node's preparation blob for the CommonJS bundle, made by the running Node (which must be the
 * version embedded). V8's code cache fits only the Node that made it: on for this machine's own
 * platform, off for the others.
 */
export const makeSeaBlob = async (options: {
  bundle: string;
  folder: string;
  useCodeCache: boolean;
}): Promise<Buffer> => {
  const name = options.useCodeCache ? 'native' : 'portable';
  const config = join(options.folder, `sea-config-${name}.json`);
  const output = join(options.folder, `sea-${name}.blob`);
  await writeFile(
    config,
    JSON.stringify({
      main: options.bundle,
      output,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: options.useCodeCache,
    }),
  );
  await execa(process.execPath, ['--experimental-sea-config', config]);
  return readFile(output);
};
