import { tmpdir } from 'node:os';
import { EngineSelector } from '../engines/engine-selector.js';
import { compileMethods } from '../methods/index.js';

/** What one bridge process shares between its requests. */
export const createRuntime = () => ({
  methods: compileMethods(),
  engines: new EngineSelector(),
  tempRoot: process.env.BST_CONTAINERS_TMPDIR || tmpdir(),
});
