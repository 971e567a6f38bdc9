import * as z from 'zod';
import { ENGINE_NAMES } from '../shared/engine-names.js';
import { defineSchema, ENGINE_ERRORS } from './define-schema.js';
import { flag } from './fields.js';

export const prune = defineSchema({
  name: 'Prune',
  summary:
    'Removes what bridges that no longer run left behind: their containers (by label), temporary folders, and the scratch of Apptainer pulls and builds. Nothing the bridge did not create is touched, nor anything of a bridge still running.',
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
  resultText: '`{containers: [[engine, name], ...], tempFolders, services, dryRun}`',
  errors: ENGINE_ERRORS,
});
