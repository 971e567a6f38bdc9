import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { BridgeClient } from '../test/helpers/bridge-client.js';
import { startFileServer } from '../test/helpers/file-server.js';
import { BASE_IMAGE } from '../test/helpers/paths.js';

const GIB = 2 ** 30;

/** A 1 GiB image (one layer of random bytes), saved once as a tarball under `folder`. */
const bigTarball = async (folder: string): Promise<string> => {
  const tarball = join(folder, 'big.tar');
  if (existsSync(tarball)) return tarball;
  await execa('mkdir', ['-p', folder]);
  await execa('docker', ['rm', '-f', 'bst_big'], { reject: false });
  await execa('docker', [
    'run',
    '--name',
    'bst_big',
    '--entrypoint',
    'sh',
    BASE_IMAGE,
    '-c',
    `head -c ${GIB} /dev/urandom > /big.bin`,
  ]);
  await execa('docker', ['commit', 'bst_big', 'bst-test/big:1']);
  await execa('docker', ['rm', 'bst_big']);
  await execa('docker', ['save', '-o', tarball, 'bst-test/big:1']);
  await execa('docker', ['rmi', 'bst-test/big:1']);
  return tarball;
};

const seconds = (started: number) => (Date.now() - started) / 1000;

export const measureBigImport = async (folder: string, engine: 'docker' | 'podman'): Promise<string[]> => {
  const tarball = await bigTarball(folder);
  const server = await startFileServer({ 'big.tar': tarball });
  const url = server.url('big.tar');
  const curlFile = join(folder, 'curl.tar');
  let started = Date.now();
  await execa('curl', ['-s', '-o', curlFile, url]);
  const curl = seconds(started);
  started = Date.now();
  await execa(engine, ['load', '--input', curlFile]);
  const engineLoad = seconds(started);
  await rm(curlFile, { force: true });
  await execa(engine, ['rmi', '-f', 'bst-test/big:1']);

  const bridge = new BridgeClient({ env: { BST_CONTAINERS_ENGINE: engine } });
  await bridge.call('GetEngine');
  let peakKiB = 0;
  const sampler = setInterval(() => {
    void execa('ps', ['-o', 'rss=', '-p', String(bridge.child.pid)], { reject: false }).then(({ stdout }) => {
      peakKiB = Math.max(peakKiB, Number(stdout.trim()) || 0);
    });
  }, 100);
  started = Date.now();
  await bridge.call('ImportImage', { imageSource: url, progressToken: 'big' });
  const total = seconds(started);
  clearInterval(sampler);
  const progress = bridge.notificationsFor('big', '$/progress');
  const downloadEnd = progress.findIndex((n) =>
    String((n.params.value as { message?: string }).message).startsWith('Downloaded'),
  );
  await bridge.close();
  await execa(engine, ['rmi', '-f', 'bst-test/big:1'], { reject: false });
  await server.close();
  const mibps = (s: number) => `${(GIB / 2 ** 20 / s).toFixed(0)} MiB/s`;
  return [
    `### ${engine}`,
    '',
    '| Way | Seconds | Throughput |',
    '| --- | --- | --- |',
    `| curl -o (download only) | ${curl.toFixed(1)} | ${mibps(curl)} |`,
    `| ${engine} load of the downloaded file | ${engineLoad.toFixed(1)} | ${mibps(engineLoad)} |`,
    `| CLI way: curl, then ${engine} load | ${(curl + engineLoad).toFixed(1)} | ${mibps(curl + engineLoad)} |`,
    `| bridge ImportImage from the URL (download and load) | ${total.toFixed(1)} | ${mibps(total)} |`,
    '',
    `Bridge ImportImage / curl throughput: ${(curl / total).toFixed(2)}×; against curl + ${engine} load: ${((curl + engineLoad) / total).toFixed(2)}×. Peak RSS of the bridge during the import: ${(peakKiB / 1024).toFixed(0)} MB. Download phase ended at progress notification ${downloadEnd} of ${progress.length}.`,
  ];
};
