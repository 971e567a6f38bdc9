import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApptainerEngine } from '../../../../src/engines/apptainer/apptainer-engine.js';
import { connectApptainer } from '../../../../src/engines/apptainer/connect-apptainer.js';
import { parseInstanceList } from '../../../../src/engines/apptainer/instance-list.js';
import {
  DEFAULT_GRACE_MS,
  type ProcessRunner,
  runProcess,
} from '../../../../src/engines/apptainer/process-runner.js';
import { checkProgram } from '../../../../src/engines/apptainer/program.js';
import type { ContainerSpec } from '../../../../src/engines/container-engine.js';
import { currentSession } from '../../../../src/leftovers/session.js';
import { importImage } from '../../../../src/methods/import-image.js';
import type { MethodContext } from '../../../../src/methods/method-context.js';
import { parseImageSpec } from '../../../../src/registry/image-spec.js';
import { parseReference } from '../../../../src/registry/reference.js';
import { createLogger } from '../../../../src/shared/logger.js';
import { noProgress, type WorkContext } from '../../../../src/shared/work-context.js';
import { FakeApptainer, type FakeRelease } from '../../../helpers/apptainer-fake.js';
import { startFileServer } from '../../../helpers/file-server.js';
import { MARGIN_MS } from '../../../helpers/margins.js';
import { repoRoot } from '../../../helpers/paths.js';
import { waitUntil } from '../../../helpers/wait-until.js';

// Against the fake, which prints what Apptainer's source prints (test/fixtures/apptainer/README.md).
const fixture = (name: string) => readFileSync(`${repoRoot}test/fixtures/apptainer/${name}`, 'utf8');
const context = (signal = new AbortController().signal): WorkContext => ({
  signal,
  progress: noProgress,
  output: () => undefined,
});
const APPTAINER = '/usr/bin/apptainer';
const BUSYBOX = 'localhost:5000/bst/busybox:1';
/** sha256 of what the fake writes for a pull of it: `SIF built from docker://localhost:5000/bst/busybox:1`. */
const BUSYBOX_SIF_SHA = 'sha256:1b0df0a390c99a357cf483da208bdcd016dcc85053664b906a86d29d7b335df1';

/** A `docker save` archive with only what the bridge and the fake read: manifest.json and one file. */
const dockerArchive = (repoTags: string[] | null, config = '{}') => {
  const entry = (name: string, body: string) => {
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write('0000644\0', 100);
    header.write(`${Buffer.byteLength(body).toString(8).padStart(11, '0')}\0`, 124);
    header.write('0', 156);
    header.write('ustar\0', 257);
    const padded = Buffer.alloc(Math.ceil(Buffer.byteLength(body) / 512) * 512);
    padded.write(body);
    return Buffer.concat([header, padded]);
  };
  return Buffer.concat([
    entry('manifest.json', JSON.stringify([{ Config: 'config.json', RepoTags: repoTags, Layers: [] }])),
    entry('config.json', config),
    Buffer.alloc(1024),
  ]);
};

describe('Apptainer output parsing', () => {
  it('reads instance list --json as the manual shows it', () => {
    expect(parseInstanceList(fixture('instance-list-manual.json'))).toEqual([
      { instance: 'test', pid: 11963, img: '/home/mibauer/apptainer/sinstance/test.sif' },
      { instance: 'test2', pid: 11964, img: '/home/mibauer/apptainer/sinstance/test.sif' },
      { instance: 'lolcow', pid: 11965, img: '/home/mibauer/apptainer/sinstance/lolcow.sif' },
    ]);
    expect(parseInstanceList(fixture('instance-list-empty.json'))).toEqual([]);
  });

  it('knows the flavour, the version and what the release can do', () => {
    expect(checkProgram('apptainer version 1.5.3\n')).toEqual({
      kind: 'supported',
      program: { flavour: 'apptainer', version: '1.5.3', hasNoEval: true },
    });
    expect(checkProgram('apptainer version 1.0.0\n')).toMatchObject({ program: { hasNoEval: false } });
    expect(checkProgram('singularity-ce version 4.1.0-jammy\n')).toMatchObject({
      program: { flavour: 'singularity-ce', version: '4.1.0-jammy', hasNoEval: true },
    });
    expect(checkProgram('singularity-ce version 3.9.0\n')).toMatchObject({ program: { hasNoEval: false } });
    expect(checkProgram('singularity-ce version 3.8.0\n')).toMatchObject({ kind: 'too-old' });
    expect(checkProgram('singularity version 3.8.7\n')).toMatchObject({ kind: 'unknown' });
  });
});

describe('the Apptainer engine against its source', () => {
  let folder: string;
  let fake: FakeApptainer;
  let engine: ApptainerEngine;

  const connect = async (release: FakeRelease, env: NodeJS.ProcessEnv = {}) => {
    fake = new FakeApptainer(release);
    const bin = join(folder, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'apptainer'), '', { mode: 0o755 });
    engine = await connectApptainer(
      {
        PATH: bin,
        BST_CONTAINERS_APPTAINER_CACHE: join(folder, 'store'),
        BST_CONTAINERS_TMPDIR: folder,
        ...env,
      },
      fake.run,
    );
    return engine;
  };

  const daemon = (containerName: string, extra: Partial<ContainerSpec> = {}): ContainerSpec => ({
    containerName,
    image: parseImageSpec(BUSYBOX),
    volumes: [],
    isDaemon: true,
    containerArgs: [],
    asImageUser: false,
    ...extra,
  });

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bst-apptainer-'));
    await connect('apptainer 1.5.3');
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /** Everything the store holds but its records and SIFs: scratch files, temp names. */
  const storeLeftovers = () =>
    readdirSync(join(folder, 'store'), { recursive: true, encoding: 'utf8' }).filter(
      (entry) => !/\.sif(\.json)?$/.test(entry) && !['tmp', 'instances', 'cache'].includes(entry),
    );

  it('pulls docker://REF quietly into a SIF of its own, named and identified by its sha256', async () => {
    const imageSha = await engine.pullImage(parseReference(BUSYBOX), context());
    expect(fake.calls.at(-1)).toEqual([
      '-q',
      'pull',
      '--force',
      '--no-https',
      expect.stringMatching(/\/store\/tmp\/.*\.sif$/),
      `docker://${BUSYBOX}`,
    ]);
    expect(imageSha).toBe(BUSYBOX_SIF_SHA);
    expect(await engine.listImages()).toEqual([[BUSYBOX, BUSYBOX_SIF_SHA, '<none>']]);
  });

  // Point 2: the pull's cache next to the store, build space in BST_CONTAINERS_TMPDIR, unless set.
  it("keeps Apptainer's cache and temp files out of $HOME unless the user chose where", async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    expect(fake.envs.at(-1)).toEqual({
      APPTAINER_CACHEDIR: join(folder, 'store', 'cache'),
      SINGULARITY_CACHEDIR: join(folder, 'store', 'cache'),
      APPTAINER_TMPDIR: folder,
      SINGULARITY_TMPDIR: folder,
    });
    const archive = join(folder, 'plugin.tar');
    await writeFile(archive, dockerArchive(['plugin:1']));
    await engine.loadImage(archive, context());
    expect(fake.calls.at(-1)).toContain('--disable-cache');
    expect(fake.envs.at(-1)).toEqual({ APPTAINER_TMPDIR: folder, SINGULARITY_TMPDIR: folder });
    await connect('apptainer 1.5.3', {
      APPTAINER_CACHEDIR: '/scratch/cache',
      SINGULARITY_TMPDIR: '/scratch/tmp',
    });
    await engine.pullImage(parseReference(BUSYBOX), context());
    expect(fake.envs.at(-1)).toEqual({});
  });

  it('says which variable to point at scratch when the disk is full, and leaves no partial SIF', async () => {
    fake.diskFull = true;
    await expect(engine.pullImage(parseReference(BUSYBOX), context())).rejects.toMatchObject({
      code: -32004,
      message: expect.stringMatching(/no space left on device\. Point APPTAINER_TMPDIR .*APPTAINER_CACHEDIR/),
    });
    expect(await engine.listImages()).toEqual([]);
    expect(storeLeftovers()).toEqual([]);
    expect(readdirSync(join(folder, 'store', 'tmp'))).toEqual([]);
  });

  // Point 1.
  it.each<FakeRelease>(['apptainer 1.5.3', 'apptainer 1.3.6', 'singularity-ce 4.5.1'])(
    'builds a SIF from a gzipped archive on %s: undone into temp space first, removed after',
    async (release) => {
      await connect(release);
      const archive = join(folder, 'plugin.weird-name');
      await writeFile(archive, gzipSync(dockerArchive(['plugin:1'])));
      const arrived = await engine.loadImage(archive, context());
      const build = fake.calls.at(-1) as string[];
      expect(build.slice(0, 4)).toEqual(['-q', 'build', '--force', '--disable-cache']);
      expect(build.at(-1)).toMatch(/^docker-archive:.*bst-containers-archive-.*\/image\.tar$/);
      expect(arrived.names).toEqual(['plugin:1']);
      expect(readdirSync(folder).filter((entry) => entry.startsWith('bst-containers-'))).toEqual([]);
    },
  );

  it('builds from an archive whose path has ":" (Apptainer cuts the path there)', async () => {
    const archive = join(folder, 'run:2024.tar');
    await writeFile(archive, dockerArchive(['plugin:1']));
    await engine.loadImage(archive, context());
    expect((fake.calls.at(-1) as string[]).at(-1)?.split(':')).toHaveLength(2);
  });

  // Point 13.
  it('names a SIF from its archive’s RepoTags, as docker load does, else from its file', async () => {
    const tar = (name: string) => join(folder, name);
    await writeFile(tar('a.tar'), dockerArchive(['docker.io/library/alpha:1']));
    await writeFile(tar('b.tar'), dockerArchive(['localhost:5000/beta:2']));
    await writeFile(tar('Untagged Plugin.tar'), dockerArchive(null));
    expect((await engine.loadImage(tar('a.tar'), context())).names).toEqual(['alpha:1']);
    expect((await engine.loadImage(tar('b.tar'), context())).names).toEqual(['localhost:5000/beta:2']);
    expect((await engine.loadImage(tar('Untagged Plugin.tar'), context())).names).toEqual([
      'untagged_plugin:latest',
    ]);
    expect((await engine.listImages()).map(([name]) => name)).toEqual([
      'alpha:1',
      'localhost:5000/beta:2',
      'untagged_plugin:latest',
    ]);
  });

  // Point 13: a download always arrives as image.tar, which names nothing.
  it('names a URL import by its RepoTags or imageTag, else so that two untagged downloads keep two names', async () => {
    const archive = (name: string, repoTags: string[] | null) => {
      const path = join(folder, name);
      writeFileSync(path, dockerArchive(repoTags, JSON.stringify({ name })));
      return path;
    };
    const server = await startFileServer({
      'lab-a/image.tar': archive('a.tar', null),
      'lab-b/image.tar': archive('b.tar', null),
      'lab-c/image.tar': archive('c.tar', null),
      'lab-d/image.tar': archive('d.tar', ['docker.io/library/delta:4']),
    });
    const methodContext = {
      ...context(),
      engines: { run: (_choice: unknown, work: (engine: ApptainerEngine) => unknown) => work(engine) },
      log: createLogger(false),
      tempRoot: folder,
    } as unknown as MethodContext;
    const imports = (url: string, imageTag?: string) =>
      importImage.handler(
        importImage.params.parse({ imageSource: url, ...(imageTag ? { imageTag } : {}) }) as never,
        methodContext,
      );
    try {
      const a = await imports(server.url('lab-a/image.tar'));
      const b = await imports(server.url('lab-b/image.tar'));
      const c = await imports(server.url('lab-c/image.tar'), 'brainstorm_plugin');
      const d = await imports(server.url('lab-d/image.tar'));
      expect(new Set([a.imageSha, b.imageSha, c.imageSha, d.imageSha]).size).toBe(4);
      expect((await engine.listImages()).map(([name, id]) => [name, id]).sort()).toEqual(
        [
          [`image:${a.imageSha.slice(7, 19)}`, a.imageSha],
          [`image:${b.imageSha.slice(7, 19)}`, b.imageSha],
          ['brainstorm_plugin:latest', c.imageSha],
          ['delta:4', d.imageSha],
        ].sort(),
      );
    } finally {
      await server.close();
    }
  });

  // Point 14.
  it('imports one image twice at once into one store: both succeed, one SIF, nothing half-written', async () => {
    const other = await connect('apptainer 1.5.3');
    const second = new ApptainerEngine(
      APPTAINER,
      join(folder, 'store'),
      new FakeApptainer().run,
      other.settings,
    );
    const results = await Promise.all([
      other.pullImage(parseReference(BUSYBOX), context()),
      second.pullImage(parseReference(BUSYBOX), context()),
    ]);
    expect(results).toEqual([BUSYBOX_SIF_SHA, BUSYBOX_SIF_SHA]);
    expect(await other.listImages()).toEqual([[BUSYBOX, BUSYBOX_SIF_SHA, '<none>']]);
    expect(storeLeftovers()).toEqual([]);
    expect(readdirSync(join(folder, 'store', 'tmp'))).toEqual([]);
  });

  // Point 7: what Apptainer does on SIGTERM (internal/pkg/build/build.go@v1.5.3, Full) needs more
  // than the runner's default grace, and the bridge gives a cancelled pull or build more.
  it.each(['pull', 'build'] as const)(
    'a cancelled %s has the time to clean up, and no part of its SIF stays in the store',
    async (kind) => {
      fake.slowCleanupMs = 2 * DEFAULT_GRACE_MS;
      const archive = join(folder, 'plugin.tar');
      await writeFile(archive, dockerArchive(['plugin:1']));
      const cancel = new AbortController();
      const work =
        kind === 'pull'
          ? engine.pullImage(parseReference(BUSYBOX), context(cancel.signal))
          : engine.loadImage(archive, context(cancel.signal));
      const buildTemps = () => readdirSync(folder).filter((entry) => entry.startsWith('build-temp-'));
      const partialSifs = () =>
        readdirSync(join(folder, 'store', 'tmp'), { recursive: true, encoding: 'utf8' }).filter((entry) =>
          entry.endsWith('.sif'),
        );
      await waitUntil(() => buildTemps().length > 0 && partialSifs().length > 0, {
        timeoutMs: MARGIN_MS,
        what: `the ${kind} to be under way`,
      });
      cancel.abort();
      await expect(work).rejects.toBeDefined();
      expect(buildTemps()).toEqual([]);
      expect(readdirSync(join(folder, 'store', 'tmp'))).toEqual([]);
      expect(await engine.listImages()).toEqual([]);
    },
  );

  it('builds in a scratch folder marked with the bridge’s session, so that prune can tell leftovers', async () => {
    fake.slowCleanupMs = 0;
    const archive = join(folder, 'plugin.tar');
    await writeFile(archive, dockerArchive(['plugin:1']));
    const cancel = new AbortController();
    const build = engine.loadImage(archive, context(cancel.signal));
    const scratchFolders = () => (existsSync(scratchRoot) ? readdirSync(scratchRoot) : []);
    const scratchRoot = join(folder, 'store', 'tmp');
    await waitUntil(() => scratchFolders().some((name) => existsSync(join(scratchRoot, name, 'image.sif'))), {
      timeoutMs: MARGIN_MS,
      what: 'the build to start',
    });
    const [scratch = ''] = scratchFolders();
    expect(scratch).toMatch(/^bst-containers-scratch-/);
    expect(JSON.parse(readFileSync(join(scratchRoot, scratch, '.bst-containers-session'), 'utf8'))).toEqual({
      format: 1,
      session: currentSession(),
    });
    cancel.abort();
    await expect(build).rejects.toBeDefined();
    expect(scratchFolders()).toEqual([]);
    await expect(engine.loadImage(join(folder, 'missing.tar'), context())).rejects.toBeDefined();
    expect(scratchFolders()).toEqual([]);
  });

  // Point 10.
  it('pulls a reference with a tag and a digest by its digest, and keeps the tagged name', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    await engine.pullImage(parseReference(`${BUSYBOX}@${digest}`), context());
    expect(fake.calls.at(-1)?.at(-1)).toBe(`docker://localhost:5000/bst/busybox@${digest}`);
    expect((await engine.listImages()).map(([name]) => name)).toEqual([BUSYBOX]);
  });

  // Point 4.
  it('gives only the command’s output, and Apptainer’s FATAL line (not its usage text) as the error', async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    await engine.runContainer(daemon('bst_x'), context());
    expect(fake.calls.every((call) => call[0] === '-q' || call[0] === '--version')).toBe(true);
    expect(await engine.execInContainer('bst_x', 'echo hi; echo oops >&2', context())).toBe('hi\noops\n');
    const stop = engine.stopContainer('bst_gone', false);
    await expect(stop).rejects.toMatchObject({
      code: -32010,
      data: { engineMessage: 'Error for command "stop": no instance found' },
    });
  });

  // Point 3.
  it('reports a contained process killed by a signal as a command failure with 128+N', async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    const run = { ...daemon('bst_y'), isDaemon: false };
    // The fake dies of the signal for real, as Apptainer does: the exit code is the bridge's.
    fake.runOutput = 'half the results\n';
    fake.runKilledBy = 9;
    await expect(engine.runContainer(run, context())).rejects.toMatchObject({
      code: -32020,
      data: { exitCode: 137, output: 'half the results\n' },
      message: expect.stringContaining('out of memory'),
    });
    fake.runKilledBy = 11;
    await expect(engine.runContainer(run, context())).rejects.toMatchObject({
      code: -32020,
      data: { exitCode: 139, output: 'half the results\n' },
    });
    await engine.runContainer(daemon('bst_x'), context());
    await expect(engine.execInContainer('bst_x', 'kill -SEGV $$', context())).rejects.toMatchObject({
      code: -32020,
      data: { exitCode: 139 },
    });
  });

  it('execs sh -c in the instance; a non-zero exit is an error with the output', async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    await engine.runContainer(daemon('bst_x'), context());
    expect(fake.calls.at(-1)).toEqual([
      '-q',
      'instance',
      'start',
      join(folder, 'store', 'localhost_5000_bst_busybox_1-522b3392.sif'),
      'bst_x',
    ]);
    await expect(engine.execInContainer('bst_x', 'echo out; exit 3', context())).rejects.toMatchObject({
      code: -32020,
      data: { exitCode: 3, output: 'out\n' },
    });
    // The instance stopped between the bridge's check and its exec: Apptainer's FATAL, exit 255.
    fake.stopBeforeNextExec = true;
    await expect(engine.execInContainer('bst_x', 'true', context())).rejects.toMatchObject({ code: -32010 });
  });

  // Point 7.
  it('cancelling an exec kills the whole command inside the instance, not only the first process', async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    await engine.runContainer(daemon('bst_x'), context());
    // A duration no other process on this machine sleeps.
    const nap = `sleep ${3000 + (process.pid % 997)}`;
    const cancel = new AbortController();
    const exec = engine.execInContainer('bst_x', `${nap}; ${nap}`, context(cancel.signal));
    await waitUntil(() => pgrep(nap).length > 0, { timeoutMs: MARGIN_MS, what: 'the command to start' });
    cancel.abort();
    await expect(exec).rejects.toBeDefined();
    await waitUntil(() => pgrep(nap).length === 0, {
      timeoutMs: MARGIN_MS,
      what: 'every process of the command to be gone',
    });
  });

  // Point 8.
  it('passes run arguments as they are (--no-eval), and refuses evaluated ones on releases without it', async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    const run = { ...daemon('bst_y'), isDaemon: false, containerArgs: ['$HOME', '`id`', 'a b'] };
    await engine.runContainer(run, context());
    expect(fake.calls.at(-1)).toEqual([
      '-q',
      'run',
      '--no-eval',
      join(folder, 'store', 'localhost_5000_bst_busybox_1-522b3392.sif'),
      '$HOME',
      '`id`',
      'a b',
    ]);
    for (const release of ['apptainer 1.0.0', 'singularity-ce 3.9.0'] as const) {
      await connect(release);
      await engine.pullImage(parseReference(BUSYBOX), context());
      await expect(engine.runContainer(run, context())).rejects.toMatchObject({
        code: -32004,
        message: expect.stringContaining('Apptainer 1.1 or newer'),
      });
      expect(await engine.runContainer({ ...run, containerArgs: ['plain', 'a b'] }, context())).toEqual({
        cmdout: 'hello from the runscript\n',
      });
      expect(fake.calls.at(-1)).not.toContain('--no-eval');
    }
  });

  // Issue 17, point 4.
  describe('in a Slurm job given GPUs', () => {
    const JOB_ENV = { SLURM_JOB_ID: '123', SLURM_JOB_GPUS: '0,2', CUDA_VISIBLE_DEVICES: '0,1' };
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it("runs with --nv, and apptainer gets the job's environment unchanged (no GPU variable set, removed or rewritten)", async () => {
      // The bridge's own environment is this process's.
      for (const [name, value] of Object.entries(JOB_ENV)) vi.stubEnv(name, value);
      const bin = join(folder, 'bin');
      await mkdir(bin, { recursive: true });
      await writeFile(join(bin, 'apptainer'), '', { mode: 0o755 });
      fake = new FakeApptainer();
      /** What a real program started as the engine starts each `--nv` call finds in its environment. */
      const seen: string[] = [];
      const runner: ProcessRunner = async (file, args, options) => {
        if (args.includes('--nv')) {
          const printed = await runProcess(
            'sh',
            ['-c', 'printf "%s|%s|%s" "$SLURM_JOB_ID" "$SLURM_JOB_GPUS" "$CUDA_VISIBLE_DEVICES"'],
            options,
          );
          seen.push(printed.stdout);
        }
        return fake.run(file, args, options);
      };
      engine = await connectApptainer(
        { PATH: bin, BST_CONTAINERS_APPTAINER_CACHE: join(folder, 'store'), BST_CONTAINERS_TMPDIR: folder },
        runner,
      );
      await engine.pullImage(parseReference(BUSYBOX), context());
      const sif = join(folder, 'store', 'localhost_5000_bst_busybox_1-522b3392.sif');
      await engine.runContainer(daemon('bst_gpu', { gpus: ['0', '2'] }), context());
      expect(fake.calls.at(-1)).toEqual(['-q', 'instance', 'start', '--nv', sif, 'bst_gpu']);
      await engine.runContainer(
        { ...daemon('bst_gpu_run', { gpus: ['0', '2'] }), isDaemon: false },
        context(),
      );
      expect(fake.calls.at(-1)).toEqual(['-q', 'run', '--no-eval', '--nv', sif]);
      // Nothing added for these calls, and the bridge's environment passed on whole.
      expect(fake.envs.slice(-2)).toEqual([{}, {}]);
      expect(seen).toEqual(['123|0,2|0,1', '123|0,2|0,1']);
      await engine.runContainer(daemon('bst_no_gpu'), context());
      expect(fake.calls.at(-1)).not.toContain('--nv');
    });
  });

  // Point 9.
  it('escapes "," and ":" in bind sources, and refuses what --bind cannot carry', async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    await engine.runContainer(
      daemon('bst_x', {
        volumes: [
          ['/data/a,b', '/in'],
          ['/data/c:d', '/out'],
        ],
      }),
      context(),
    );
    expect(fake.calls.at(-1)?.slice(3, 7)).toEqual([
      '--bind',
      '/data/a\\,b:/in',
      '--bind',
      '/data/c\\:d:/out',
    ]);
    for (const volume of [
      ['/data/x ', '/in'],
      ['/data/^x', '/in'],
      ['/data/x', '/in:x'],
      ['/data/a:b:c', '/in'],
    ] as [string, string][]) {
      await expect(
        engine.runContainer(daemon('bst_z', { volumes: [volume] }), context()),
      ).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining("Apptainer's --bind cannot carry"),
      });
    }
  });

  // Point 6.
  it('retries an instance start refused for hidepid with --userns, and says what the site must allow', async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    fake.hidepid = true;
    await engine.runContainer(daemon('bst_x'), context());
    expect(fake.calls.at(-2)?.slice(0, 4)).toEqual([
      '-q',
      'instance',
      'start',
      expect.stringMatching(/\.sif$/),
    ]);
    expect(fake.calls.at(-1)?.slice(0, 4)).toEqual(['-q', 'instance', 'start', '--userns']);
    expect((await engine.getContainerInfo('bst_x')).name).toBe('bst_x');
    fake.userns = false;
    await expect(engine.runContainer(daemon('bst_w'), context())).rejects.toMatchObject({
      code: -32004,
      message: expect.stringContaining(
        'allow unprivileged user namespaces, or to mount /proc with hidepid=0',
      ),
    });
  });

  // Point 11.
  it('records the flavour and version, and refuses releases without the flags used', async () => {
    expect(await engine.version()).toBe('apptainer 1.5.3');
    expect(await (await connect('singularity-ce 4.5.1')).version()).toBe('singularity-ce 4.5.1');
    await expect(connect('singularity 3.8.7')).rejects.toMatchObject({
      code: -32002,
      message: expect.stringContaining('needs Apptainer 1.0 or newer, or SingularityCE 3.9 or newer'),
    });
    await expect(connectApptainer({ PATH: '/nonexistent' }, fake.run)).rejects.toMatchObject({
      code: -32001,
      message: expect.stringContaining('module load apptainer'),
    });
  });

  // Point 12.
  it('finds an image in use by the bridge’s records and by absolute SIF paths, from a relative store', async () => {
    const cwd = process.cwd();
    process.chdir(folder);
    try {
      const relativeEngine = new ApptainerEngine(
        APPTAINER,
        relative(folder, join(folder, 'rel')),
        fake.run,
        engine.settings,
      );
      expect(relativeEngine.store.folder).toBe(join(folder, 'rel'));
      await relativeEngine.pullImage(parseReference(BUSYBOX), context());
      await relativeEngine.runContainer(
        daemon('bst_x', { image: parseImageSpec(BUSYBOX_SIF_SHA) }),
        context(),
      );
      await expect(relativeEngine.removeImage(parseImageSpec(BUSYBOX), false)).rejects.toMatchObject({
        code: -32012,
        message: expect.stringContaining('instance bst_x'),
      });
      // Another name of the same SIF (a hard link: another path) is in use too.
      await relativeEngine.tagImage(BUSYBOX_SIF_SHA, parseReference('bst/other:1'));
      await expect(relativeEngine.removeImage(parseImageSpec('bst/other:1'), false)).rejects.toMatchObject({
        code: -32012,
      });
    } finally {
      process.chdir(cwd);
    }
  });

  it('stops an instance, with -F when forced; a missing one is not found', async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    await engine.runContainer(daemon('bst_a'), context());
    await engine.runContainer(daemon('bst_b'), context());
    await expect(engine.runContainer(daemon('bst_a'), context())).rejects.toMatchObject({ code: -32012 });
    await engine.stopContainer('bst_a', false);
    expect(fake.calls.at(-1)).toEqual(['-q', 'instance', 'stop', 'bst_a']);
    await engine.stopContainer('bst_b', true);
    expect(fake.calls.at(-1)).toEqual(['-q', 'instance', 'stop', '-F', 'bst_b']);
    await expect(engine.stopContainer('bst_a', true)).rejects.toMatchObject({ code: -32010 });
    await expect(engine.getContainerInfo('bst_a')).rejects.toMatchObject({ code: -32010 });
  });

  it('at the end of a Slurm job, stops forced the instances it started and still has, and only those', async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    await engine.runContainer(daemon('bst_kept'), context());
    await engine.runContainer(daemon('bst_stopped'), context());
    await engine.stopContainer('bst_stopped', true);
    // Another bridge's instance, on the same host.
    const other = await connect('apptainer 1.5.3');
    await other.runContainer(daemon('bst_other'), context());
    fake.calls.length = 0;
    expect(await other.removeStarted()).toEqual(['bst_other']);
    expect(fake.calls).toEqual([['-q', 'instance', 'stop', '-F', 'bst_other']]);
    expect(await other.removeStarted()).toEqual([]);
    expect(existsSync(join(folder, 'store', 'instances', 'bst_other.json'))).toBe(false);
  });

  it('records with each instance the bridge that started it, and its Slurm job', async () => {
    vi.stubEnv('SLURM_JOB_ID', '4242');
    vi.stubEnv('SLURM_CLUSTER_NAME', 'bst-test');
    try {
      await engine.pullImage(parseReference(BUSYBOX), context());
      await engine.runContainer(daemon('bst_job'), context());
    } finally {
      vi.unstubAllEnvs();
    }
    const record = JSON.parse(readFileSync(join(folder, 'store', 'instances', 'bst_job.json'), 'utf8'));
    expect(record).toMatchObject({ session: currentSession(), slurmJob: '4242', slurmCluster: 'bst-test' });
  });

  it('removes a SIF by name or ID, refusing one an instance uses unless forced', async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    await engine.runContainer(daemon('bst_x', { image: parseImageSpec(BUSYBOX_SIF_SHA) }), context());
    await expect(engine.removeImage(parseImageSpec(BUSYBOX), false)).rejects.toMatchObject({ code: -32012 });
    await engine.removeImage(parseImageSpec(BUSYBOX_SIF_SHA), true);
    expect(await engine.listImages()).toEqual([]);
    await expect(engine.removeImage(parseImageSpec(BUSYBOX_SIF_SHA), true)).rejects.toMatchObject({
      code: -32011,
    });
  });

  it('describes an instance from instance list and the volumes recorded at start', async () => {
    await engine.pullImage(parseReference(BUSYBOX), context());
    await engine.runContainer(daemon('bst_x', { volumes: [['/tmp/a b', '/data']] }), context());
    expect(await engine.getContainerInfo('bst_x')).toEqual({
      name: 'bst_x',
      isRunning: true,
      volumes: [['/tmp/a b', '/data']],
      imageSha: BUSYBOX_SIF_SHA,
    });
    expect(existsSync(join(folder, 'store', 'instances', 'bst_x.json'))).toBe(true);
  });
});

const pgrep = (pattern: string): string[] => {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
};
