import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeClient } from '../helpers/bridge-client.js';
import { ENGINE, engineCliOk, imageIdOf, removeImageQuietly } from '../helpers/engine-cli.js';
import { BASE_IMAGE, REGISTRY_IMAGE } from '../helpers/paths.js';

const TAG = 'brainstorm_concurrent';

/** `count` bridges, each a process of its own as Brainstorm's batch processes are, importing at once. */
const importAtOnce = async (imports: { imageTag?: string }[]) => {
  const bridges = imports.map(() => new BridgeClient());
  try {
    return await Promise.all(
      imports.map((options, index) =>
        (bridges[index] as BridgeClient).request('ImportImage', { imageSource: REGISTRY_IMAGE, ...options }),
      ),
    );
  } finally {
    await Promise.all(bridges.map((bridge) => bridge.close()));
  }
};

// Many Brainstorm processes import the same image at the same moment (a job array, one task per
// subject): the rule "the name it arrived with goes only if this call added it" must hold across them.
describe(`concurrent imports of one image on ${ENGINE}`, () => {
  let imageSha: string;
  beforeAll(async () => {
    imageSha = await imageIdOf(BASE_IMAGE);
  });
  afterAll(async () => {
    await removeImageQuietly(`${TAG}:latest`);
  });

  it('eight processes with the same reference and tag: all succeed, and leave what one import would', async () => {
    await removeImageQuietly(`${TAG}:latest`);
    await removeImageQuietly(REGISTRY_IMAGE);
    const answers = await importAtOnce(Array.from({ length: 8 }, () => ({ imageTag: TAG })));
    for (const answer of answers) expect(answer).toMatchObject({ result: { imageSha } });
    expect(await imageIdOf(`${TAG}:latest`)).toBe(imageSha);
    expect(await engineCliOk('image', 'inspect', REGISTRY_IMAGE)).toBe(false);
  });

  it('a process that imports the reference without a tag keeps its name, whatever the tagged ones do', async () => {
    await removeImageQuietly(`${TAG}:latest`);
    await removeImageQuietly(REGISTRY_IMAGE);
    const answers = await importAtOnce([
      { imageTag: TAG },
      { imageTag: TAG },
      {},
      { imageTag: TAG },
      { imageTag: TAG },
      {},
      { imageTag: TAG },
      { imageTag: TAG },
    ]);
    for (const answer of answers) expect(answer).toMatchObject({ result: { imageSha } });
    expect(await imageIdOf(`${TAG}:latest`)).toBe(imageSha);
    expect(await imageIdOf(REGISTRY_IMAGE)).toBe(imageSha);
  });
});
