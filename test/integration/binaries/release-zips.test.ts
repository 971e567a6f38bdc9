import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { binFolder, releaseFolder, requireBuilt, VERSION } from './dist-files.js';

/** Every platform's zip and its one binary; the unix ones must arrive executable. */
const PLATFORMS = [
  { platform: 'linux-x64', binary: 'bst-containers-linux-x64', unix: true },
  { platform: 'linux-arm64', binary: 'bst-containers-linux-arm64', unix: true },
  { platform: 'darwin-x64', binary: 'bst-containers-darwin-x64', unix: true },
  { platform: 'darwin-arm64', binary: 'bst-containers-darwin-arm64', unix: true },
  { platform: 'win-x64', binary: 'bst-containers-win-x64.exe', unix: false },
];

const zipOf = (platform: string) => join(releaseFolder, `bst-containers-${VERSION}-${platform}.zip`);

/** sha256 of one entry, streamed: a binary is larger than execa's default buffer. */
const entrySha256 = async (zip: string, entry: string): Promise<string> => {
  const hash = createHash('sha256');
  const unzip = execa('unzip', ['-p', zip, entry], { buffer: false });
  unzip.stdout?.on('data', (chunk: Buffer) => hash.update(chunk));
  await unzip;
  return hash.digest('hex');
};

beforeAll(() => {
  requireBuilt(binFolder);
  requireBuilt(releaseFolder);
});

describe.each(PLATFORMS)('the $platform zip', ({ platform, binary, unix }) => {
  it('holds the folder to add to the MATLAB path, and nothing else', async () => {
    const { stdout } = await execa('zipinfo', ['-1', requireBuilt(zipOf(platform))]);
    expect(stdout.split('\n')).toEqual([
      'bst-containers/',
      'bst-containers/bin/',
      `bst-containers/bin/${binary}`,
      'bst-containers/bst_containers.m',
      'bst-containers/LICENSE',
      'bst-containers/LICENSE-node',
      'bst-containers/README.txt',
    ]);
  });

  it(`stores the program's mode${unix ? ' with the execute bit' : ''}`, async () => {
    const { stdout } = await execa('zipinfo', [requireBuilt(zipOf(platform))]);
    // zipinfo's long lines: mode, version, system, size, ..., name; only the mode and name matter.
    const modes = stdout
      .split('\n')
      .filter((line) => / bst-containers\//.test(line))
      .map((line) => `${line.split(/\s+/)[0]} ${line.split(/\s+/).at(-1)}`);
    expect(modes).toEqual([
      'drwxr-xr-x bst-containers/',
      'drwxr-xr-x bst-containers/bin/',
      `-rwxr-xr-x bst-containers/bin/${binary}`,
      '-rw-r--r-- bst-containers/bst_containers.m',
      '-rw-r--r-- bst-containers/LICENSE',
      '-rw-r--r-- bst-containers/LICENSE-node',
      '-rw-r--r-- bst-containers/README.txt',
    ]);
  });

  it('holds the built binary, the shim and both licenses as they are', async () => {
    const zip = zipOf(platform);
    const built = createHash('sha256')
      .update(readFileSync(join(binFolder, binary)))
      .digest('hex');
    expect(await entrySha256(zip, `bst-containers/bin/${binary}`)).toBe(built);
    const { stdout: shim } = await execa('unzip', ['-p', zip, 'bst-containers/bst_containers.m'], {
      stripFinalNewline: false,
    });
    expect(shim).toBe(readFileSync(join(releaseFolder, '..', '..', 'matlab', 'bst_containers.m'), 'utf8'));
    const { stdout: license } = await execa('unzip', ['-p', zip, 'bst-containers/LICENSE']);
    expect(license.split('\n').slice(0, 2)).toEqual([
      '                    GNU GENERAL PUBLIC LICENSE',
      '                       Version 3, 29 June 2007',
    ]);
    const { stdout: nodeLicense } = await execa('unzip', ['-p', zip, 'bst-containers/LICENSE-node']);
    expect(nodeLicense.split('\n')[0]).toBe('Node.js is licensed for use as follows:');
    const { stdout: readme } = await execa('unzip', ['-p', zip, 'bst-containers/README.txt']);
    expect(readme.split(/\r?\n/)[0]).toMatch(
      new RegExp(`^bst-containers ${VERSION.replaceAll('.', '\\.')} for `),
    );
    expect(readme).toContain(`${binary} doctor`);
  });
});

describe('the release folder', () => {
  it('has the sums of the five zips, which sha256sum checks', async () => {
    const { stdout } = await execa('sha256sum', ['-c', 'SHA256SUMS'], { cwd: releaseFolder });
    expect(stdout.split('\n')).toEqual(
      PLATFORMS.map(({ platform }) => `bst-containers-${VERSION}-${platform}.zip: OK`),
    );
  });

  it("describes the plugin for Brainstorm's plugin manager, one zip per platform", () => {
    const linux = JSON.parse(
      readFileSync(requireBuilt(join(releaseFolder, 'brainstorm-plugin-linux-x64.json')), 'utf8'),
    );
    expect(linux).toEqual({
      Name: 'bst-containers',
      Version: VERSION,
      Category: 'Containers',
      AutoUpdate: 1,
      AutoLoad: 1,
      URLzip: `https://github.com/OWNER/bst-containers/releases/download/v${VERSION}/bst-containers-${VERSION}-linux-x64.zip`,
      URLinfo: 'https://github.com/OWNER/bst-containers',
      TestFile: '',
      ReadmeFile: 'bst-containers/README.txt',
      CompiledStatus: 0,
      LoadFolders: ['bst-containers'],
      InstalledFcn:
        "fileattrib(bst_fullfile(PlugDesc.Path, 'bst-containers', 'bin', 'bst-containers-linux-x64'), '+x');",
    });
    const snippet = readFileSync(requireBuilt(join(releaseFolder, 'brainstorm-plugin.m')), 'utf8');
    for (const [osType, platform] of [
      ['linux64', 'linux-x64'],
      ['mac64', 'darwin-x64'],
      ['mac64arm', 'darwin-arm64'],
      ['win64', 'win-x64'],
    ])
      expect(snippet).toContain(
        `        case '${osType}'\n            PlugDesc(end).URLzip       = 'https://github.com/OWNER/bst-containers/releases/download/v${VERSION}/bst-containers-${VERSION}-${platform}.zip';\n`,
      );
  });
});
