import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { 'bst-containers': 'src/cli/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node22',
  outDir: 'dist',
  clean: true,
  splitting: false,
  sourcemap: false,
  minify: true,
  treeshake: true,
  // One file with every dependency inside: the bundle must run with no node_modules beside it.
  noExternal: [/.*/],
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
});
