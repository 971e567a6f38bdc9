import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

// The layer rules of the README ("Layout"): each folder of src/ may import only the folders
// listed for it. Written once here; a new folder must be given its place before it is used.
const MAY_IMPORT: Record<string, string[]> = {
  cli: [
    'protocol',
    'transport',
    'methods',
    'schemas',
    'engines',
    'registry',
    'download',
    'leftovers',
    'shared',
  ],
  transport: [],
  protocol: ['methods', 'schemas', 'shared'],
  methods: ['schemas', 'engines', 'registry', 'download', 'leftovers', 'shared'],
  schemas: ['registry', 'shared'],
  engines: ['registry', 'leftovers', 'shared'],
  download: ['leftovers', 'shared'],
  registry: ['shared'],
  leftovers: ['shared'],
  shared: [],
};

interface SourceFile {
  /** Relative to src/, e.g. `protocol/server.ts`. */
  path: string;
  text: string;
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Each import of one src folder by another that the rules do not allow, as `from -> to (file)`. */
const layerViolations = (files: SourceFile[]): string[] =>
  files.flatMap(({ path, text }) => {
    const layer = path.split('/')[0] as string;
    const allowed = MAY_IMPORT[layer];
    if (!allowed) return [`${path}: folder ${layer} has no place in the layer rules`];
    return [...text.matchAll(IMPORT)].flatMap((match) => {
      const target = relative('/src', resolve('/src', dirname(path), (match[1] ?? match[2]) as string));
      const targetLayer = target.split('/')[0] as string;
      // Outside src/ (package.json): not a layer.
      if (target.startsWith('..')) return [];
      if (targetLayer === layer || allowed.includes(targetLayer)) return [];
      return [`${layer} -> ${targetLayer} (${path} imports ${target})`];
    });
  });

const sourceFiles = (folder: string, base = folder): SourceFile[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path, base);
    return entry.name.endsWith('.ts')
      ? [{ path: relative(base, path), text: readFileSync(path, 'utf8') }]
      : [];
  });

describe('layers import downward only', () => {
  it('holds for every file of src/', () => {
    const files = sourceFiles(join(repoRoot, 'src'));
    expect(files.length).toBeGreaterThan(50);
    expect(layerViolations(files)).toEqual([]);
  });

  it('finds an import that goes up, or sideways into a layer not allowed', () => {
    expect(
      layerViolations([
        { path: 'shared/x.ts', text: "import { parseReference } from '../registry/reference.js';" },
        { path: 'protocol/y.ts', text: "import type { DockerApi } from '../engines/docker/docker-api.js';" },
        { path: 'transport/z.ts', text: "import { classifyLine } from '../protocol/classify-message.js';" },
        { path: 'engines/docker/w.ts', text: "export { x } from '../../methods/index.js';" },
        { path: 'gadgets/v.ts', text: '' },
      ]),
    ).toEqual([
      'shared -> registry (shared/x.ts imports registry/reference.js)',
      'protocol -> engines (protocol/y.ts imports engines/docker/docker-api.js)',
      'transport -> protocol (transport/z.ts imports protocol/classify-message.js)',
      'engines -> methods (engines/docker/w.ts imports methods/index.js)',
      'gadgets/v.ts: folder gadgets has no place in the layer rules',
    ]);
  });

  it('lets a layer import itself and those below it', () => {
    expect(
      layerViolations([
        {
          path: 'engines/docker/a.ts',
          text: "import { b } from './b.js';\nimport { c } from '../../shared/c.js';",
        },
        { path: 'cli/main.ts', text: "import packageJson from '../../package.json' with { type: 'json' };" },
      ]),
    ).toEqual([]);
  });
});
