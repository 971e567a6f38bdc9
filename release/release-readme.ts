import { binaryName, type Target } from './targets.js';

const PLATFORM_NAMES: Record<string, string> = {
  'linux-x64': 'Linux on Intel/AMD (x86-64)',
  'linux-arm64': 'Linux on ARM (aarch64)',
  'darwin-x64': 'macOS on Intel',
  'darwin-arm64': 'macOS on Apple silicon (M1 and later)',
  'win-x64': 'Windows on Intel/AMD (x86-64)',
};

/** What only one family of systems needs to be told: its requirement and its warnings. */
const platformNotes = (target: Target, binary: string): string[] => {
  if (target.os === 'linux')
    return [
      'Linux: needs glibc 2.28 or newer (Debian 10, Ubuntu 18.10, RHEL 8 and later),',
      'as Node.js 22 does. Unzip with `unzip` or your file manager: they keep the',
      "program's execute permission (MATLAB's unzip() may not: then run",
      `chmod +x bin/${binary}).`,
    ];
  if (target.os === 'darwin')
    return [
      'macOS: the program is not signed by a registered developer. Gatekeeper may',
      'say it "cannot be opened because the developer cannot be verified": allow it',
      'in System Settings > Privacy & Security ("Open Anyway"), or remove the',
      'download mark with: xattr -dr com.apple.quarantine /path/to/bst-containers',
      ...(target.arch === 'arm64'
        ? [
            'On Apple silicon an unsigned program does not start at all: the MATLAB',
            'function gives it a local ("ad hoc") signature the first time; to run it',
            `yourself first: codesign --sign - bin/${binary}`,
          ]
        : []),
    ];
  return [
    'Windows: the program is not signed. Microsoft Defender SmartScreen may say',
    '"Windows protected your PC": choose "More info", then "Run anyway".',
  ];
};

/** README.txt of a platform's zip: what it is, the install, what it needs, how to check it. */
export const releaseReadme = (target: Target, version: string, nodeVersion: string): string => {
  const binary = binaryName(target);
  const platform = PLATFORM_NAMES[`${target.os}-${target.arch}`] ?? `${target.os}-${target.arch}`;
  const separator = target.os === 'win' ? '\\' : '/';
  return [
    `bst-containers ${version} for ${platform}`,
    '',
    'What it is: bst_containers.m, the function Brainstorm calls to run its',
    `container-based plugins, and the program it starts, bin/${binary},`,
    `which drives Docker, Podman or Apptainer. Node.js ${nodeVersion} is built into the`,
    'program: there is nothing else to install.',
    '',
    'Install: unzip, keep this folder (bst-containers) as it is, and add it to the',
    'MATLAB path: Home > Set Path > Add Folder, or in MATLAB',
    `  addpath('${target.os === 'win' ? 'C:\\path\\to' : '/path/to'}${separator}bst-containers'); savepath`,
    'That is all. bst_containers.m finds the program in bin/ next to it.',
    // Brainstorm's startup puts its own toolbox/core/bst_containers.m first on the path.
    'Brainstorm has its own bst_containers.m and puts it first when it starts: add',
    'this folder after starting Brainstorm (which bst_containers shows the one in',
    "use), or install it from Brainstorm's plugin manager, which loads it after.",
    '',
    'Needs: a container engine: Docker Desktop (or Docker Engine), Podman, or',
    'Apptainer/Singularity.',
    '',
    'Check: in a terminal, in this folder, run',
    `  bin${separator}${binary} doctor`,
    'It says which engines it finds, whether they answer, and what to do otherwise.',
    '',
    ...platformNotes(target, binary),
    '',
    'Licenses: bst-containers is GPL-3.0-or-later (LICENSE); Node.js and what it',
    'includes are under LICENSE-node.',
    '',
  ].join(target.os === 'win' ? '\r\n' : '\n');
};
