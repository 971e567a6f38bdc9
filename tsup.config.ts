import { readFile } from 'node:fs/promises';
import { defineConfig, type Options } from 'tsup';

// undici's client loads its HTTP/2 half, and with it node:http2 and node:tls, when it loads: every
// start would pay for them, and the bridge speaks HTTP/1.1 (the engines' sockets, plain or TLS
// downloads without ALPN h2). Loaded at its first use instead; the build fails if undici changed.
const UNDICI_CLIENT = /undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/;
const EAGER_H2 = "const connectH2 = require('./client-h2.js')";
const lazyHttp2: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'lazy-undici-http2',
  setup(build) {
    build.onLoad({ filter: UNDICI_CLIENT }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!source.includes(EAGER_H2)) throw new Error(`${path} no longer has: ${EAGER_H2}`);
      return {
        contents: source.replace(
          EAGER_H2,
          "const connectH2 = (...args) => require('./client-h2.js')(...args)",
        ),
        loader: 'js',
      };
    });
  },
};

const shared: Options = {
  platform: 'node',
  target: 'node22',
  splitting: false,
  sourcemap: false,
  minify: true,
  // esbuild's own tree shaking: Rollup's (tsup's `treeshake`) would run every lazily imported module at start.
  treeshake: false,
  // One file with every dependency inside: it must run with no node_modules beside it.
  noExternal: [/.*/],
  // Each build replaces its own file only: the single executables in dist/bin stay.
  clean: false,
  esbuildPlugins: [lazyHttp2],
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
    // The typed client (`bst-containers/client`): vscode-jsonrpc inside, no zod or undici at run
    // time (types only), for Node 18 and later, below the bridge's own floor.
    entry: { client: 'clients/typescript/client.ts' },
    format: ['esm'],
    outDir: 'dist',
    target: 'node18',
    minify: false,
    dts: true,
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
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
