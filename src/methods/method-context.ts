import type { EngineSelector } from '../engines/engine-selector.js';
import type { Logger } from '../shared/logger.js';
import type { WorkContext } from '../shared/work-context.js';

/** What one bridge process shares between its calls. */
export interface MethodServices {
  engines: EngineSelector;
  log: Logger;
  /** Where downloads are kept while they are loaded. */
  tempRoot: string;
}

export interface MethodContext extends MethodServices, WorkContext {}
