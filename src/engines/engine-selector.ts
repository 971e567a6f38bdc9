import { isBridgeError } from '../shared/bridge-error.js';
import { type EngineChoice, type EngineName, isEngineName } from '../shared/engine-names.js';
import { ErrorCode } from '../shared/error-codes.js';
import { noEngineFound } from '../shared/failures.js';
import { CONNECTORS } from './connectors.js';
import type { ContainerEngine } from './container-engine.js';

/** Engines tried by `auto-detect`, in order. */
const AUTO_DETECT_ORDER: EngineName[] = ['docker', 'podman', 'apptainer'];

const notAnswering = (error: unknown) => isBridgeError(error) && error.code === ErrorCode.EngineNotAnswering;

/**
 * Finds an engine once and keeps it: every later call reuses the same connection. A call that
 * fails because the engine stopped answering drops it, so the next call looks again.
 */
export class EngineSelector {
  private readonly engines = new Map<EngineName, Promise<ContainerEngine>>();
  private autoDetected: EngineName | undefined;
  /** BST_CONTAINERS_ENGINE: what `auto-detect` stands for, for clients without a setting of their own. */
  private readonly preferred: EngineName | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
    const preferred = env.BST_CONTAINERS_ENGINE;
    this.preferred = isEngineName(preferred) ? preferred : undefined;
  }

  async get(choice: EngineChoice = 'auto-detect'): Promise<ContainerEngine> {
    if (choice !== 'auto-detect') return this.named(choice);
    if (this.preferred) return this.named(this.preferred);
    if (this.autoDetected) return this.named(this.autoDetected);
    let firstFailure: unknown;
    for (const candidate of AUTO_DETECT_ORDER) {
      try {
        const engine = await this.named(candidate);
        this.autoDetected = candidate;
        return engine;
      } catch (error) {
        firstFailure ??= error;
      }
    }
    if (notAnswering(firstFailure)) throw firstFailure;
    throw noEngineFound(firstFailure);
  }

  /** Runs one engine call; when the engine stopped answering, forgets it so the next call looks again. */
  async run<T>(choice: EngineChoice, work: (engine: ContainerEngine) => Promise<T>): Promise<T> {
    const engine = await this.get(choice);
    try {
      return await work(engine);
    } catch (error) {
      if (notAnswering(error)) this.forget(engine.name);
      throw error;
    }
  }

  /** The engines found so far, waiting for those still being connected to (a failed one is left out). */
  async connected(): Promise<ContainerEngine[]> {
    const engines = await Promise.allSettled(this.engines.values());
    return engines.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  }

  async close(): Promise<void> {
    const engines = await Promise.allSettled(this.engines.values());
    this.engines.clear();
    await Promise.all(
      engines.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)),
    );
  }

  private forget(name: EngineName): void {
    const engine = this.engines.get(name);
    this.engines.delete(name);
    if (this.autoDetected === name) this.autoDetected = undefined;
    void engine?.then((value) => value.close()).catch(() => {});
  }

  private named(name: EngineName): Promise<ContainerEngine> {
    let engine = this.engines.get(name);
    if (!engine) {
      engine = CONNECTORS[name].connect(this.env);
      this.engines.set(name, engine);
      engine.catch(() => this.engines.delete(name));
    }
    return engine;
  }
}
