import { tmpdir } from 'node:os';
import { EngineSelector } from '../engines/engine-selector.js';
import { loadMethod } from '../methods/index.js';
import { createDispatcher } from '../protocol/dispatcher.js';
import type { Logger } from '../shared/logger.js';

/** What one bridge process shares between its calls: the engines found, and the way calls are made. */
export const createRuntime = (log: Logger) => {
  const engines = new EngineSelector();
  const tempRoot = process.env.BST_CONTAINERS_TMPDIR || tmpdir();
  return { engines, dispatcher: createDispatcher(loadMethod, { engines, log, tempRoot }) };
};
