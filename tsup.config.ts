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
  // One file with every dependency inside: the bundle must run with no node_modules beside it.
  noExternal: [/.*/],
  // CommonJS dependencies (cross-spawn, undici, vscode-jsonrpc) call require(); ESM has none.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
