import type { Readable } from 'node:stream';
import type { SessionJudge } from '../../leftovers/session-judge.js';
import type { ImageSpec } from '../../registry/image-spec.js';
import type { ImageReference } from '../../registry/reference.js';
import { engineNotAnswering, engineRefused, isConnectionCut } from '../../shared/failures.js';
import type { WorkContext } from '../../shared/work-context.js';
import type {
  ArrivedImage,
  ContainerEngine,
  ContainerInfo,
  ContainerSpec,
  ImageRow,
} from '../container-engine.js';
import { type CallerIds, nonRootCaller } from './bind-owner.js';
import { inspectContainer, stopContainer } from './containers.js';
import type { EngineDialect } from './dialect.js';
import { DockerApi, isEngineHttpError } from './docker-api.js';
import { type DockerEndpoint, isRemoteEndpoint } from './endpoint.js';
import { execInContainer } from './exec.js';
import { listImages } from './image-list.js';
import { removeImage, tagImage } from './image-names.js';
import { loadArchive, loadImage } from './load-image.js';
import { pruneContainers, removeSessionContainers } from './prune-containers.js';
import { pullImage } from './pull-image.js';
import { runContainer } from './run-container.js';

/** The API version the bridge speaks: old enough for Docker 20.10 and Podman's compat API. */
const PREFERRED_API_VERSION = '1.41';

const olderVersion = (a: string, b: string) => {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor !== bMajor ? (aMajor < bMajor ? a : b) : aMinor <= bMinor ? a : b;
};

/**
 * Docker, or any engine serving the Docker Engine API (Podman's compat API), with its dialect.
 * Every call leaves as a BridgeError: what the engine refused, or that it stopped answering.
 */
export class DockerEngine implements ContainerEngine {
  readonly name: EngineDialect['engine'];
  readonly location: string;
  readonly locationSource?: string;
  readonly isRemote: boolean;
  private readonly api: DockerApi;
  /** Asked of the engine once, at the first run that could need it. */
  private bindOwner?: Promise<CallerIds | undefined>;

  private constructor(
    private readonly dialect: EngineDialect,
    endpoint: DockerEndpoint,
    private readonly onClose?: () => Promise<void>,
    locationSource?: string,
  ) {
    this.name = dialect.engine;
    this.api = new DockerApi(endpoint, dialect.engine);
    this.location = endpoint.description;
    if (locationSource) this.locationSource = locationSource;
    this.isRemote = isRemoteEndpoint(endpoint);
  }

  /** Connects and checks the engine answers; the API version is fixed from its `_ping` answer. */
  static async connect(
    dialect: EngineDialect,
    endpoint: DockerEndpoint,
    onClose?: () => Promise<void>,
    locationSource?: string,
  ): Promise<DockerEngine> {
    const engine = new DockerEngine(dialect, endpoint, onClose, locationSource);
    try {
      const response = await engine.api.request({ path: '/_ping' });
      await response.body.dump();
      const serverVersion = response.headers['api-version'];
      engine.api.useApiVersion(
        typeof serverVersion === 'string'
          ? olderVersion(serverVersion, PREFERRED_API_VERSION)
          : PREFERRED_API_VERSION,
      );
      return engine;
    } catch (error) {
      await engine.close();
      throw error;
    }
  }

  version(): Promise<string> {
    return this.guard(async () => {
      const { Version, ApiVersion } = await this.api.json<{ Version?: string; ApiVersion?: string }>({
        path: '/version',
      });
      return `${Version ?? 'unknown'} (API ${ApiVersion ?? 'unknown'})`;
    });
  }

  reportsGpu(): Promise<boolean | undefined> {
    return this.guard(() => this.dialect.reportsGpu(this.api));
  }

  listImages(signal?: AbortSignal): Promise<ImageRow[]> {
    return this.guard(() => listImages(this.api, this.dialect, signal));
  }

  pullImage(reference: ImageReference, context: WorkContext): Promise<string> {
    return this.guard(() => pullImage(this.api, this.dialect, reference, context));
  }

  loadImage(tarballPath: string, context: WorkContext): Promise<ArrivedImage> {
    return this.guard(() => loadImage(this.api, this.name, tarballPath, context));
  }

  loadArchive(archive: Readable, source: string, context: WorkContext): Promise<ArrivedImage> {
    return this.guard(() => loadArchive(this.api, this.name, archive, source, context));
  }

  tagImage(imageId: string, name: ImageReference): Promise<void> {
    return this.guard(() => tagImage(this.api, imageId, name));
  }

  untagImage(nameTag: string): Promise<void> {
    return this.guard(() => removeImage(this.api, this.name, nameTag, false));
  }

  runContainer(spec: ContainerSpec, context: WorkContext): Promise<{ cmdout?: string }> {
    return this.guard(async () =>
      runContainer(
        this.api,
        this.dialect,
        spec,
        context,
        spec.asImageUser ? undefined : await this.callerToRunAs(),
        this.isRemote ? this.location : undefined,
      ),
    );
  }

  execInContainer(containerName: string, command: string, context: WorkContext): Promise<string> {
    return this.guard(() => execInContainer(this.api, this.dialect, containerName, command, context));
  }

  getContainerInfo(containerName: string): Promise<ContainerInfo> {
    return this.guard(() => inspectContainer(this.api, containerName));
  }

  stopContainer(containerName: string, isForced: boolean): Promise<void> {
    return this.guard(() => stopContainer(this.api, containerName, isForced));
  }

  removeImage(image: ImageSpec, isForced: boolean): Promise<void> {
    return this.guard(() => removeImage(this.api, this.name, image, isForced));
  }

  pruneContainers(dryRun: boolean, judge: SessionJudge): Promise<string[]> {
    return this.guard(() => pruneContainers(this.api, dryRun, judge));
  }

  removeStarted(): Promise<string[]> {
    return this.guard(() => removeSessionContainers(this.api));
  }

  /**
   * The caller, where a container's root would own what it writes in the caller's binds (and
   * the caller could not delete it): a bridge that is not root on an engine whose root is the host's.
   */
  private callerToRunAs(): Promise<CallerIds | undefined> {
    // This machine's user ids mean nothing to another machine's files.
    const caller = this.isRemote ? undefined : nonRootCaller();
    if (!caller) return Promise.resolve(undefined);
    this.bindOwner ??= this.dialect.rootIsHostRoot(this.api).then(
      (isHostRoot) => (isHostRoot ? caller : undefined),
      (error: unknown) => {
        this.bindOwner = undefined;
        throw error;
      },
    );
    return this.bindOwner;
  }

  async close(): Promise<void> {
    await this.api.close();
    await this.onClose?.();
  }

  /** What the Engine API said that no call put in its own words, and a connection cut mid-answer. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isEngineHttpError(error)) {
        throw engineRefused('The container engine refused the call', error.message, {
          statusCode: error.statusCode,
        });
      }
      if (isConnectionCut(error))
        throw engineNotAnswering(this.name, this.location, await this.api.explain(error));
      throw error;
    }
  }
}
