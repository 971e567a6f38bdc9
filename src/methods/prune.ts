import { tmpdir } from 'node:os';
import { defaultSifFolder, scratchRoot } from '../engines/apptainer/sif-store.js';
import { pruneTempFolders } from '../leftovers/temp-folders.js';
import { prune as schema } from '../schemas/prune.js';
import type { EngineName } from '../shared/engine-names.js';
import { defineMethod } from './define-method.js';
import type { MethodContext } from './method-context.js';

/** Engines whose containers carry the bridge's labels; Apptainer instances cannot. */
const LABELLING_ENGINES: EngineName[] = ['docker', 'podman'];

const leftoverContainers = async (
  names: EngineName[],
  dryRun: boolean,
  context: MethodContext,
  mustAnswer: boolean,
): Promise<[EngineName, string][]> => {
  const found: [EngineName, string][] = [];
  for (const name of names) {
    try {
      const engine = await context.engines.get(name);
      const containers = (await engine.pruneContainers?.(dryRun)) ?? [];
      found.push(...containers.map((container): [EngineName, string] => [name, container]));
    } catch (error) {
      // auto-detect prunes what answers; an engine asked for by name must answer.
      if (mustAnswer) throw error;
    }
  }
  return found;
};

export const prune = defineMethod(schema, async (params, context) => {
  const autoDetect = params.engine === 'auto-detect';
  const containers = await leftoverContainers(
    autoDetect ? LABELLING_ENGINES : [params.engine as EngineName],
    params.dryRun,
    context,
    !autoDetect,
  );
  const temp = await pruneTempFolders(
    [context.tempRoot, tmpdir(), scratchRoot(defaultSifFolder())],
    params.dryRun,
  );
  return { containers, tempFolders: temp.folders, services: temp.servicePids, dryRun: params.dryRun };
});
