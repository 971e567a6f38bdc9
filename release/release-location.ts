import type { Target } from './targets.js';

/**
 * The project's public page, written once: Brainstorm's plugin descriptions point at it (URLinfo)
 * and at its releases (URLzip). OWNER is a placeholder until the project has a public home;
 * replace it before publishing.
 */
export const PROJECT_PAGE = 'https://github.com/OWNER/bst-containers';

/** GitHub's address for a release's files: <page>/releases/download/v<version>/<file>. */
export const RELEASE_DOWNLOAD_BASE = `${PROJECT_PAGE}/releases/download`;

export const zipName = (version: string, target: Pick<Target, 'os' | 'arch'>): string =>
  `bst-containers-${version}-${target.os}-${target.arch}.zip`;

export const zipUrl = (version: string, target: Pick<Target, 'os' | 'arch'>): string =>
  `${RELEASE_DOWNLOAD_BASE}/v${version}/${zipName(version, target)}`;
