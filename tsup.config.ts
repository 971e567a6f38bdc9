import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { 'bst-containers': 'src/cli/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
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
      'if (Number(process.versions.node.split(".")[0]) < 20 || (process.versions.node.startsWith("20.") && Number(process.versions.node.split(".")[1]) < 18)) {',
      '  process.stderr.write("bst-containers needs Node.js 20.18 or newer; this is Node.js " + process.versions.node + ". Install a newer Node.js (https://nodejs.org) and put it first on the PATH, or point BST_CONTAINERS_NODE at it.\\n");',
      '  process.exit(3);',
      '}',
    ].join('\n'),
  },
});
