import { execa } from 'execa';

/**
 * The CLI processes the seed's bst_containers.m spawns for each call, in order, through a shell
 * as MATLAB's system() does. `cli` is docker, or podman for the same sequence on Podman.
 */
const sh = (command: string) => execa('sh', ['-c', command], { reject: false });

export const seedWay = (cli: string) => {
  const getEngine = async () => {
    await sh(`which ${cli}`);
    await sh(`${cli} info`);
  };
  const getImages = async () => {
    await getEngine();
    await sh(
      `${cli} images --all --digests --no-trunc --format "{{.Repository}}:{{.Tag}} {{.ID}} {{.Digest}}"`,
    );
  };
  const getContainerInfo = async (name: string) => {
    await getEngine();
    await sh(`${cli} inspect ${name} --format "{{.Name}}"`);
    await sh(`${cli} inspect ${name} --format "{{.State.Status}} # {{.HostConfig.Binds}} # {{.Image}}"`);
  };
  return {
    getEngine,
    getImages,
    getContainerInfo,
    runDaemon: async (name: string, image: string, hostDir: string) => {
      await getEngine();
      await sh('which nvidia-smi');
      await sh(`${cli} run -d --name ${name} -v ${hostDir}:/data --entrypoint sleep ${image} infinity`);
    },
    exec: async (name: string, command: string) => {
      await getEngine();
      await getContainerInfo(name);
      await sh(`${cli} exec ${name} sh -c '${command}'`);
    },
    stopGraceful: async (name: string) => {
      await getEngine();
      await sh(`${cli} stop ${name} && ${cli} rm ${name}`);
    },
    stopForced: async (name: string) => {
      await getEngine();
      await sh(`${cli} rm -f ${name}`);
    },
    removeImage: async (image: string) => {
      await getEngine();
      await sh(`${cli} rmi -f ${image}`);
    },
    /** ImportImage with a tag: pull, list before and after, tag, remove the arrival name. */
    importReference: async (reference: string, tag: string) => {
      await getEngine();
      await getImages();
      await sh(`${cli} pull ${reference}`);
      await getImages();
      await sh(`${cli} tag ${reference} ${tag}`);
      await sh(`${cli} rmi ${reference}`);
    },
    /** The same from a URL: the download (curl standing in for Brainstorm's downloader), then load. */
    importUrl: async (url: string, file: string, tag: string, loadedName: string) => {
      await getEngine();
      await sh(`curl -s -o ${file} ${url}`);
      await getImages();
      await sh(`${cli} load --input ${file}`);
      await getImages();
      await sh(`${cli} tag ${loadedName} ${tag}`);
      await sh(`${cli} rmi ${loadedName}`);
    },
  };
};
