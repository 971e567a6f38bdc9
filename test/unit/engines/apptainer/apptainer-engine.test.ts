import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApptainerEngine } from '../../../../src/engines/apptainer/apptainer-engine.js';
import { connectApptainer } from '../../../../src/engines/apptainer/connect-apptainer.js';
import { parseInstanceList, parseVersion } from '../../../../src/engines/apptainer/instance-list.js';
import { parseImageSpec } from '../../../../src/registry/image-spec.js';
import { parseReference } from '../../../../src/registry/reference.js';
import { noProgress, type WorkContext } from '../../../../src/shared/work-context.js';
import { FakeApptainer } from '../../../helpers/apptainer-fake.js';
import { repoRoot } from '../../../helpers/paths.js';

// Command lines and output parsing only: no live Apptainer runs here (see test/fixtures/apptainer).
const fixture = (name: string) => readFileSync(`${repoRoot}test/fixtures/apptainer/${name}`, 'utf8');
const context = (): WorkContext => ({
  signal: new AbortController().signal,
  progress: noProgress,
  output: () => undefined,
});
const APPTAINER = '/usr/bin/apptainer';
/** sha256 of what the fake writes for a pull of it: `SIF built from docker://localhost:5000/bst/busybox:1`. */
const BUSYBOX_SIF_SHA = 'sha256:1b0df0a390c99a357cf483da208bdcd016dcc85053664b906a86d29d7b335df1';

describe('Apptainer output parsing', () => {
  it('reads instance list --json as the manual shows it', () => {
    expect(parseInstanceList(fixture('instance-list-manual.json'))).toEqual([
      { instance: 'test', pid: 11963, img: '/home/mibauer/apptainer/sinstance/test.sif' },
      { instance: 'test2', pid: 11964, img: '/home/mibauer/apptainer/sinstance/test.sif' },
      { instance: 'lolcow', pid: 11965, img: '/home/mibauer/apptainer/sinstance/lolcow.sif' },
    ]);
    expect(parseInstanceList(fixture('instance-list-empty.json'))).toEqual([]);
  });

  it('reads the version of apptainer and of singularity', () => {
    expect(parseVersion(fixture('version.txt'))).toBe('1.3.4');
    expect(parseVersion(fixture('version-singularity.txt'))).toBe('4.1.1');
  });
});

describe('Apptainer engine command lines', () => {
  let folder: string;
  let fake: FakeApptainer;
  let engine: ApptainerEngine;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bst-apptainer-'));
    fake = new FakeApptainer();
    engine = new ApptainerEngine(APPTAINER, folder, fake.run);
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /** Where the store keeps the pulled busybox: its name made safe, and the start of the name's sha256. */
  const busyboxSif = () => join(folder, 'localhost_5000_bst_busybox_1-522b3392.sif');

  it('pulls docker://REF into a SIF of its own, named and identified by its sha256', async () => {
    const imageSha = await engine.pullImage(parseReference('localhost:5000/bst/busybox:1'), context());
    const [pull] = fake.calls;
    expect(pull?.slice(0, 3)).toEqual(['pull', '--force', '--no-https']);
    expect(pull?.at(-1)).toBe('docker://localhost:5000/bst/busybox:1');
    const [record] = await engine.store.list();
    expect(record?.name).toBe('localhost:5000/bst/busybox:1');
    expect(imageSha).toBe(BUSYBOX_SIF_SHA);
    expect(await engine.listImages()).toEqual([['localhost:5000/bst/busybox:1', BUSYBOX_SIF_SHA, '<none>']]);
    await engine.pullImage(parseReference('docker.io/brainstormtools/app:latest'), context());
    expect(fake.calls[1]?.slice(0, 2)).toEqual(['pull', '--force']);
    expect(fake.calls[1]?.at(-1)).toBe('docker://docker.io/brainstormtools/app:latest');
  });

  it('builds a SIF from a docker-archive tarball; a tag is one more name for the same SIF', async () => {
    const arrived = await engine.loadImage('/data/images/plugin.tar.gz', context());
    expect(fake.calls[0]?.[0]).toBe('build');
    expect(fake.calls[0]?.at(-1)).toBe('docker-archive:///data/images/plugin.tar.gz');
    // sha256 of what the fake builds: `SIF built from docker-archive:///data/images/plugin.tar.gz`.
    const pluginSha = 'sha256:e4670bc9e0b787ad2f1c2aa9d392a329cda41661b9890f68ab296f61ff67a141';
    expect(arrived).toEqual({ imageId: pluginSha, names: ['plugin:latest'] });
    await engine.tagImage(pluginSha, parseReference('brainstorm_x:latest'));
    await engine.untagImage('plugin:latest');
    expect(await engine.listImages()).toEqual([['brainstorm_x:latest', pluginSha, '<none>']]);
  });

  it('runs a daemon as an instance with binds and --nv, and describes it from instance list', async () => {
    await engine.pullImage(parseReference('localhost:5000/bst/busybox:1'), context());
    await engine.runContainer(
      {
        containerName: 'bst_x',
        image: parseImageSpec(BUSYBOX_SIF_SHA),
        volumes: [['/tmp/a b', '/data']],
        isDaemon: true,
        containerArgs: [],
        useGpu: true,
        asImageUser: false,
      },
      context(),
    );
    expect(fake.calls.at(-1)).toEqual([
      'instance',
      'start',
      '--bind',
      '/tmp/a b:/data',
      '--nv',
      busyboxSif(),
      'bst_x',
    ]);
    expect(await engine.getContainerInfo('bst_x')).toEqual({
      name: 'bst_x',
      isRunning: true,
      volumes: [['/tmp/a b', '/data']],
      imageSha: BUSYBOX_SIF_SHA,
    });
    expect(fake.calls.at(-1)).toEqual(['instance', 'list', '--json', 'bst_x']);
  });

  it('execs sh -c in the instance; a non-zero exit is an error with the output', async () => {
    await engine.pullImage(parseReference('localhost:5000/bst/busybox:1'), context());
    await engine.runContainer(
      {
        containerName: 'bst_x',
        image: parseImageSpec('localhost:5000/bst/busybox:1'),
        volumes: [],
        isDaemon: true,
        containerArgs: [],
        useGpu: false,
        asImageUser: false,
      },
      context(),
    );
    expect(await engine.execInContainer('bst_x', 'echo hi; ls /data', context())).toBe(
      'hello from the instance\n',
    );
    expect(fake.calls.at(-1)).toEqual(['exec', 'instance://bst_x', 'sh', '-c', 'echo hi; ls /data']);
    fake.execExitCode = 3;
    await expect(engine.execInContainer('bst_x', 'false', context())).rejects.toMatchObject({
      code: -32020,
      data: { exitCode: 3 },
    });
  });

  it('runs a non-daemon container with apptainer run and its arguments', async () => {
    await engine.pullImage(parseReference('localhost:5000/bst/busybox:1'), context());
    const result = await engine.runContainer(
      {
        containerName: 'bst_y',
        image: parseImageSpec('localhost:5000/bst/busybox:1'),
        volumes: [],
        isDaemon: false,
        containerArgs: ['a b', '--flag'],
        useGpu: false,
        asImageUser: false,
      },
      context(),
    );
    expect(fake.calls.at(-1)).toEqual(['run', busyboxSif(), 'a b', '--flag']);
    expect(result).toEqual({ cmdout: 'hello from the instance\n' });
  });

  it('stops an instance, with -F when forced; a missing one is an error', async () => {
    await engine.pullImage(parseReference('localhost:5000/bst/busybox:1'), context());
    const start = {
      image: parseImageSpec('localhost:5000/bst/busybox:1'),
      volumes: [],
      isDaemon: true,
      containerArgs: [],
      useGpu: false,
      asImageUser: false,
    };
    await engine.runContainer({ containerName: 'bst_a', ...start }, context());
    await engine.runContainer({ containerName: 'bst_b', ...start }, context());
    await engine.stopContainer('bst_a', false);
    expect(fake.calls.at(-1)).toEqual(['instance', 'stop', 'bst_a']);
    await engine.stopContainer('bst_b', true);
    expect(fake.calls.at(-1)).toEqual(['instance', 'stop', '-F', 'bst_b']);
    await expect(engine.stopContainer('bst_a', true)).rejects.toMatchObject({ code: -32010 });
    await expect(engine.getContainerInfo('bst_a')).rejects.toMatchObject({ code: -32010 });
  });

  it('removes a SIF by name or ID, refusing one an instance uses unless forced', async () => {
    expect(await engine.pullImage(parseReference('localhost:5000/bst/busybox:1'), context())).toBe(
      BUSYBOX_SIF_SHA,
    );
    await engine.runContainer(
      {
        containerName: 'bst_x',
        image: parseImageSpec(BUSYBOX_SIF_SHA),
        volumes: [],
        isDaemon: true,
        containerArgs: [],
        useGpu: false,
        asImageUser: false,
      },
      context(),
    );
    await expect(
      engine.removeImage(parseImageSpec('localhost:5000/bst/busybox:1'), false),
    ).rejects.toMatchObject({
      code: -32012,
    });
    await engine.removeImage(parseImageSpec(BUSYBOX_SIF_SHA), true);
    expect(await engine.listImages()).toEqual([]);
    await expect(engine.removeImage(parseImageSpec(BUSYBOX_SIF_SHA), true)).rejects.toMatchObject({
      code: -32011,
    });
  });

  it('is found as apptainer, else singularity, and its version is checked', async () => {
    await expect(connectApptainer({ PATH: '/nonexistent' }, fake.run)).rejects.toMatchObject({
      code: -32001,
      message: expect.stringContaining('module load apptainer'),
    });
  });
});
