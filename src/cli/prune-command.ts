import type * as z from 'zod';
import type { prune } from '../schemas/prune.js';
import { callOnce } from './call-command.js';

type PruneResult = z.output<typeof prune.result>;

const list = (title: string, items: string[]) =>
  items.length === 0 ? '' : `${title}:\n${items.map((item) => `  ${item}\n`).join('')}`;

const renderText = (result: PruneResult): string => {
  const verb = result.dryRun ? 'Would remove' : 'Removed';
  const text =
    list(
      `${verb} containers`,
      result.containers.map(([engine, name]) => `${name} (${engine})`),
    ) +
    list(`${verb} temporary folders`, result.tempFolders) +
    list(`${result.dryRun ? 'Would stop' : 'Stopped'} Podman services`, result.services.map(String));
  return text || 'Nothing left behind by bridges that no longer run.\n';
};

/** `bst-containers prune`: the Prune method for a shell, in words (or JSON with --json). */
export const pruneCommand = (options: { dryRun: boolean; engine: string | undefined; json: boolean }) =>
  callOnce(
    'Prune',
    JSON.stringify({ dryRun: options.dryRun, ...(options.engine ? { engine: options.engine } : {}) }),
    { verbose: false, feedback: 'quiet' },
    options.json ? undefined : (result) => renderText(result as PruneResult),
  );
