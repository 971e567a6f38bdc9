import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  platform: 'node',
  target: 'node22',
  splitting: false,
  sourcemap: false,
  minify: true,
  treeshake: true,
  // One file with every dependency inside: it must run with no node_modules beside it.
  noExternal: [/.*/],
  // Each build replaces its own file only: the single executables in dist/bin stay.
  clean: false,
};

export default defineConfig([
  {
    ...shared,
    entry: { 'bst-containers': 'src/cli/main.ts' },
    format: ['esm'],
    outDir: 'dist',
    // CommonJS dependencies (cross-spawn, undici, vscode-jsonrpc) call require(); ESM has none.
    // The version check runs before any bundled code, which older Node versions may fail to load.
    banner: {
      js: [
        "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        'const [__major, __minor] = process.versions.node.split(".").map(Number);',
        'if (__major < 22 || (__major === 22 && __minor < 19)) {',
        '  process.stderr.write("bst-containers needs Node.js 22.19 or newer; this is Node.js " + process.versions.node + ". Install Node.js 22 LTS (https://nodejs.org) and put it first on the PATH, or point BST_CONTAINERS_NODE at it.\\n");',
        '  process.exit(3);',
        '}',
      ].join('\n'),
    },
  },
  {
    ...shared,
    // Node's single-executable loader runs CommonJS only; the Node inside is known, so no check.
    entry: { 'bst-containers': 'src/cli/single-executable-main.ts' },
    format: ['cjs'],
    outDir: 'dist/sea',
  },
]);
