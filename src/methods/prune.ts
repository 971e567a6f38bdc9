import { tmpdir } from 'node:os';
import * as z from 'zod';
import { ENGINE_NAMES, type EngineName } from '../engines/container-engine.js';
import { pruneTempFolders } from '../leftovers/temp-folders.js';
import { flag } from '../shared/validators.js';
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

export const prune = defineMethod({
  name: 'Prune',
  summary:
    'Removes what bridges that no longer run left behind: their containers (by label) and temporary folders. Nothing the bridge did not create is touched, nor anything of a bridge still running.',
  params: {
    dryRun: flag
      .default(false)
      .describe('true/1: list what would be removed, remove nothing (default false).'),
  },
  result: z.object({
    containers: z
      .array(z.tuple([z.enum(ENGINE_NAMES), z.string()]))
      .describe('[engine, container name] of each leftover container.'),
    tempFolders: z.array(z.string()),
    services: z.array(z.number()).describe('PIDs of private Podman services of dead bridges.'),
    dryRun: z.boolean(),
  }),
  handler: async (params, context) => {
    const autoDetect = params.engine === 'auto-detect';
    const containers = await leftoverContainers(
      autoDetect ? LABELLING_ENGINES : [params.engine as EngineName],
      params.dryRun,
      context,
      !autoDetect,
    );
    const temp = await pruneTempFolders([context.tempRoot, tmpdir()], params.dryRun);
    return { containers, tempFolders: temp.folders, services: temp.servicePids, dryRun: params.dryRun };
  },
});
