import { withSha256 } from '../../registry/image-spec.js';
import type { ImageRow } from '../container-engine.js';
import type { EngineDialect } from './dialect.js';
import type { DockerApi } from './docker-api.js';

interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
}

const NONE = '<none>';

/**
 * The name as Docker shows it. Podman keeps names fully qualified (`localhost/x`,
 * `docker.io/library/x`); Brainstorm compares names, so both engines must show the same.
 */
export const displayName = (name: string): string => {
  for (const prefix of ['localhost/', 'docker.io/library/', 'docker.io/']) {
    if (name.startsWith(prefix)) return name.slice(prefix.length);
  }
  return name;
};

const repositoryOf = (nameTag: string) => nameTag.slice(0, nameTag.lastIndexOf(':'));

/** The rows `docker images --all --digests --no-trunc` prints: one per name, digest matched by repository. */
export const imageRows = (images: ImageSummary[]): ImageRow[] =>
  images.flatMap((image): ImageRow[] => {
    const id = withSha256(image.Id);
    const tags = (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>').map(displayName);
    const digests = (image.RepoDigests ?? [])
      .filter((digest) => !digest.startsWith('<none>@'))
      .map(displayName);
    const digestOf = (repository: string) =>
      digests.find((entry) => entry.startsWith(`${repository}@`))?.split('@')[1] ?? NONE;
    const rows: ImageRow[] = tags.map((tag) => [tag, id, digestOf(repositoryOf(tag))]);
    const taggedRepositories = new Set(tags.map(repositoryOf));
    for (const entry of digests) {
      const [repository = NONE, digest = NONE] = entry.split('@');
      if (!taggedRepositories.has(repository)) rows.push([`${repository}:${NONE}`, id, digest]);
    }
    return rows.length > 0 ? rows : [[`${NONE}:${NONE}`, id, NONE]];
  });

export const listImages = async (
  api: DockerApi,
  dialect: EngineDialect,
  signal?: AbortSignal,
): Promise<ImageRow[]> =>
  imageRows(
    (await api.json<ImageSummary[] | undefined>({
      path: '/images/json',
      query: dialect.imageListQuery,
      signal,
    })) ?? [],
  );
