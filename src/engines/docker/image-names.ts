import { type ImageSpec, imageSpecText, withSha256 } from '../../registry/image-spec.js';
import { DEFAULT_TAG, type ImageReference } from '../../registry/reference.js';
import type { EngineName } from '../../shared/engine-names.js';
import { imageInUse, imageNotFound } from '../../shared/failures.js';
import { type DockerApi, isEngineHttpError } from './docker-api.js';

const imagePath = (image: string, action = '') => `/images/${encodeURIComponent(image)}${action}`;

export const inspectImageId = async (api: DockerApi, engine: EngineName, image: string): Promise<string> => {
  try {
    return withSha256((await api.json<{ Id: string }>({ path: imagePath(image, '/json') })).Id);
  } catch (error) {
    if (isEngineHttpError(error, 404)) throw imageNotFound(image, engine, error.message);
    throw error;
  }
};

export const tagImage = async (api: DockerApi, imageId: string, name: ImageReference): Promise<void> => {
  await api.call({
    method: 'POST',
    path: imagePath(imageId, '/tag'),
    query: { repo: name.name, tag: name.tag ?? DEFAULT_TAG },
  });
};

/** Removes an image, or one of its names (`name:tag` as the engine lists it). */
export const removeImage = async (
  api: DockerApi,
  engine: EngineName,
  image: ImageSpec | string,
  isForced: boolean,
): Promise<void> => {
  const text = typeof image === 'string' ? image : imageSpecText(image);
  try {
    await api.call({ method: 'DELETE', path: imagePath(text), query: { force: isForced } });
  } catch (error) {
    if (isEngineHttpError(error, 404)) throw imageNotFound(text, engine, error.message);
    if (isEngineHttpError(error, 409)) throw imageInUse(text, error.message);
    throw error;
  }
};
