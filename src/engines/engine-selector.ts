import { BridgeError, isBridgeError } from '../shared/bridge-error.js';
import { ErrorCode } from '../shared/error-codes.js';
import { connectApptainer } from './apptainer/connect-apptainer.js';
import {
  type ContainerEngine,
  ENGINE_NAMES,
  type EngineChoice,
  type EngineName,
} from './container-engine.js';
import { connectDocker } from './docker/connect-docker.js';
import { engineLost, isConnectionLost } from './lost-engine.js';
import { connectPodman } from './podman/connect-podman.js';

/** Engines tried by `auto-detect`, in order. */
export const AUTO_DETECT_ORDER: EngineName[] = ['docker', 'podman', 'apptainer'];

const notAnswering = (error: unknown) => isBridgeError(error) && error.code === ErrorCode.EngineNotAnswering;

/**
 * Finds an engine once and keeps it: every later call reuses the same connection. A call that
 * fails because the engine went away drops it, so the next call looks again.
 */
export class EngineSelector {
  private readonly engines = new Map<EngineName, Promise<ContainerEngine>>();
  private autoDetected: EngineName | undefined;

  /** BST_CONTAINERS_ENGINE: what `auto-detect` stands for, for clients without a setting of their own. */
  private readonly preferred: EngineName | undefined;

  constructor() {
    const preferred = process.env.BST_CONTAINERS_ENGINE as EngineName | undefined;
    this.preferred = preferred && ENGINE_NAMES.includes(preferred) ? preferred : undefined;
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
    if (isBridgeError(firstFailure) && firstFailure.code === ErrorCode.EngineNotAnswering) throw firstFailure;
    throw new BridgeError(
      ErrorCode.EngineNotFound,
      'No valid container engine was found. Install Docker (https://docs.docker.com/get-docker/) or Podman (https://podman.io) and start it; on a cluster, `module load apptainer`.',
      { cause: firstFailure },
    );
  }

  /** Runs one engine call; when the engine stopped answering, forgets it so the next call looks again. */
  async run<T>(choice: EngineChoice, work: (engine: ContainerEngine) => Promise<T>): Promise<T> {
    const engine = await this.get(choice);
    try {
      return await work(engine);
    } catch (error) {
      const failure = isConnectionLost(error) ? engineLost(engine, error) : error;
      if (notAnswering(failure)) this.forget(engine.name);
      throw failure;
    }
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
      engine = this.connect(name);
      this.engines.set(name, engine);
      engine.catch(() => this.engines.delete(name));
    }
    return engine;
  }

  private async connect(name: EngineName): Promise<ContainerEngine> {
    switch (name) {
      case 'docker':
        return connectDocker();
      case 'podman':
        return connectPodman();
      case 'apptainer':
        return connectApptainer();
    }
  }
}
