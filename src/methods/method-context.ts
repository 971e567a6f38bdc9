import type { WorkContext } from '../engines/container-engine.js';
import type { EngineSelector } from '../engines/engine-selector.js';
import type { Progress } from '../protocol/progress.js';
import type { Logger } from '../shared/logger.js';

export interface MethodContext extends WorkContext {
  engines: EngineSelector;
  log: Logger;
  progress: Progress;
  /** Where downloads are kept while they are loaded. */
  tempRoot: string;
}
