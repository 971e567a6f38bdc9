import { runCli } from './run-cli.js';

// The entry of the single executables: Node's SEA loader runs a CommonJS script, which cannot await
// at the top level. Node repeats the executable's path as argv[1], as for `node script`.
runCli(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
