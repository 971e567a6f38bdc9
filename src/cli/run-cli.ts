import packageJson from '../../package.json' with { type: 'json' };
import { parseArgs } from './args.js';

// Each command loads its own code when chosen: serving never loads doctor's or help's, and
// `--version` loads none.
/** The command line, whichever way the bridge was started: `node` and the bundle, or a single executable. */
export const runCli = async (argv: string[]): Promise<void> => {
  const command = parseArgs(argv);
  switch (command.kind) {
    case 'help': {
      const [{ helpText }, { METHOD_SCHEMAS }] = await Promise.all([
        import('./help.js'),
        import('../schemas/index.js'),
      ]);
      process.stdout.write(helpText(packageJson.version, METHOD_SCHEMAS));
      break;
    }
    case 'openrpc': {
      const { openRpcDocument } = await import('../schemas/openrpc.js');
      process.stdout.write(`${JSON.stringify(openRpcDocument(packageJson.version), null, 2)}\n`);
      break;
    }
    case 'version':
      process.stdout.write(`${packageJson.version}\n`);
      break;
    case 'usage-error':
      process.stderr.write(`bst-containers: ${command.message}. See bst-containers --help.\n`);
      process.exitCode = 2;
      break;
    case 'call': {
      const { callOnce } = await import('./call-command.js');
      process.exitCode = await callOnce(command.method, command.params, command);
      break;
    }
    case 'doctor': {
      const { doctor } = await import('./doctor.js');
      process.exitCode = await doctor(command.json);
      break;
    }
    case 'prune': {
      const { pruneCommand } = await import('./prune-command.js');
      process.exitCode = await pruneCommand(command);
      break;
    }
    case 'serve': {
      const { serve } = await import('./serve.js');
      await serve(command.verbose);
      break;
    }
  }
};
