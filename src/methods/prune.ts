import { tmpdir } from 'node:os';
import { defaultSifFolder, scratchRoot } from '../engines/apptainer/sif-store.js';
import { SessionJudge } from '../leftovers/session-judge.js';
import { pruneTempFolders } from '../leftovers/temp-folders.js';
import { prune as schema } from '../schemas/prune.js';
import type { EngineName } from '../shared/engine-names.js';
import { runtimeRoot } from '../shared/user-places.js';
import { defineMethod } from './define-method.js';
import type { MethodContext } from './method-context.js';

/** Engines whose containers carry the bridge's labels; Apptainer instances cannot. */
const LABELLING_ENGINES: EngineName[] = ['docker', 'podman'];

const leftoverContainers = async (
  names: EngineName[],
  dryRun: boolean,
  context: MethodContext,
  mustAnswer: boolean,
  judge: SessionJudge,
): Promise<[EngineName, string][]> => {
  const found: [EngineName, string][] = [];
  for (const name of names) {
    try {
      const engine = await context.engines.get(name);
      const containers = (await engine.pruneContainers?.(dryRun, judge)) ?? [];
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
  // One per call: squeue is asked once per job, and again at the next Prune.
  const judge = new SessionJudge();
  const containers = await leftoverContainers(
    autoDetect ? LABELLING_ENGINES : [params.engine as EngineName],
    params.dryRun,
    context,
    !autoDetect,
    judge,
  );
  const temp = await pruneTempFolders(
    [context.tempRoot, tmpdir(), runtimeRoot(), scratchRoot(defaultSifFolder())],
    params.dryRun,
    judge,
  );
  return { containers, tempFolders: temp.folders, services: temp.servicePids, dryRun: params.dryRun };
});
