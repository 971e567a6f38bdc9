import { PROJECT_PAGE, zipUrl } from './release-location.js';
import { binaryName, type Target } from './targets.js';

/**
 * Brainstorm's plugin manager (toolbox/core/bst_plugin.m) names a platform by bst_get('OsType'),
 * from MATLAB's mexext. It has no Linux on ARM (no MATLAB there): that zip is offered only as a
 * user-defined description.
 */
const OS_TYPES: Record<string, string> = {
  'linux-x64': 'linux64',
  'darwin-x64': 'mac64',
  'darwin-arm64': 'mac64arm',
  'win-x64': 'win64',
};

export const PLUGIN_NAME = 'bst-containers';
/** The zip's top folder, which holds bst_containers.m: the folder Brainstorm adds to the path. */
const PLUGIN_FOLDER = 'bst-containers';

/**
 * The fields Brainstorm's own descriptions use (db_template('plugdesc')). TestFile stays empty on
 * purpose: Brainstorm ships its own toolbox/core/bst_containers.m, so which('bst_containers.m')
 * would find it and the manager would take the plugin as loaded without adding its folder; with
 * no TestFile it goes by the plugin.mat it writes, and LoadFolders puts the zip's top folder on
 * the path (ahead of Brainstorm's copy, as addpath prepends).
 */
interface PluginDescription {
  Name: string;
  Version: string;
  Category: string;
  AutoUpdate: number;
  AutoLoad: number;
  URLzip: string;
  URLinfo: string;
  TestFile: string;
  ReadmeFile: string;
  CompiledStatus: number;
  LoadFolders: string[];
  InstalledFcn: string;
}

/**
 * MATLAB's unzip may not restore the execute bit the zip stores: after installing, the manager
 * sets it (eval'd in bst_plugin's ExecuteCallback, where PlugDesc.Path is the plugin's folder).
 */
const installedFcn = (target: Target): string =>
  target.os === 'win'
    ? ''
    : `fileattrib(bst_fullfile(PlugDesc.Path, '${PLUGIN_FOLDER}', 'bin', '${binaryName(target)}'), '+x');`;

export const pluginDescription = (target: Target, version: string): PluginDescription => ({
  Name: PLUGIN_NAME,
  Version: version,
  // Not one of Brainstorm's categories yet: the menu makes a submenu for any new one.
  Category: 'Containers',
  AutoUpdate: 1,
  // Loaded at startup, so that every container-based plugin's call reaches this shim.
  AutoLoad: 1,
  URLzip: zipUrl(version, target),
  URLinfo: PROJECT_PAGE,
  TestFile: '',
  ReadmeFile: `${PLUGIN_FOLDER}/README.txt`,
  // A compiled Brainstorm cannot add MATLAB files to its path.
  CompiledStatus: 0,
  LoadFolders: [PLUGIN_FOLDER],
  InstalledFcn: installedFcn(target),
});

/** For Plugins > User defined > Add from file / Add from URL: one description, one URLzip. */
export const pluginJson = (target: Target, version: string): string =>
  `${JSON.stringify(pluginDescription(target, version), null, 2)}\n`;

const matlabString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** An entry for GetSupported() in bst_plugin.m, one URLzip per OsType as OpenMEEG's entry does. */
export const pluginSnippet = (targets: readonly Target[], version: string): string => {
  const cases = targets.flatMap((target) => {
    const osType = OS_TYPES[`${target.os}-${target.arch}`];
    if (!osType) return [];
    const description = pluginDescription(target, version);
    return [
      `        case ${matlabString(osType)}`,
      `            PlugDesc(end).URLzip       = ${matlabString(description.URLzip)};`,
      ...(description.InstalledFcn
        ? [`            PlugDesc(end).InstalledFcn = ${matlabString(description.InstalledFcn)};`]
        : []),
    ];
  });
  const first = targets[0];
  if (!first) throw new Error('No target to describe');
  const common = pluginDescription(first, version);
  return [
    `    % === CONTAINERS: BST-CONTAINERS ===`,
    `    % Written by bst-containers' npm run dist (release/brainstorm-plugin.ts), version ${version}.`,
    `    % TestFile is empty: Brainstorm's own toolbox/core/bst_containers.m would be found instead.`,
    `    PlugDesc(end+1)              = GetStruct(${matlabString(common.Name)});`,
    `    PlugDesc(end).Version        = ${matlabString(common.Version)};`,
    `    PlugDesc(end).Category       = ${matlabString(common.Category)};`,
    `    PlugDesc(end).AutoUpdate     = ${common.AutoUpdate};`,
    `    PlugDesc(end).AutoLoad       = ${common.AutoLoad};`,
    '    switch (OsType)',
    ...cases,
    '    end',
    `    PlugDesc(end).URLinfo        = ${matlabString(common.URLinfo)};`,
    `    PlugDesc(end).TestFile       = ${matlabString(common.TestFile)};`,
    `    PlugDesc(end).ReadmeFile     = ${matlabString(common.ReadmeFile)};`,
    `    PlugDesc(end).CompiledStatus = ${common.CompiledStatus};`,
    `    PlugDesc(end).LoadFolders    = {${common.LoadFolders.map(matlabString).join(', ')}};`,
    '',
  ].join('\n');
};
