import packageJson from '../../package.json' with { type: 'json' };
import { METHOD_SCHEMAS } from '../schemas/index.js';
import { parseArgs } from './args.js';
import { callOnce } from './call-command.js';
import { doctor } from './doctor.js';
import { helpText } from './help.js';
import { pruneCommand } from './prune-command.js';
import { serve } from './serve.js';

/** The command line, whichever way the bridge was started: `node` and the bundle, or a single executable. */
export const runCli = async (argv: string[]): Promise<void> => {
  const command = parseArgs(argv);
  switch (command.kind) {
    case 'help':
      process.stdout.write(helpText(packageJson.version, METHOD_SCHEMAS));
      break;
    case 'version':
      process.stdout.write(`${packageJson.version}\n`);
      break;
    case 'usage-error':
      process.stderr.write(`bst-containers: ${command.message}. See bst-containers --help.\n`);
      process.exitCode = 2;
      break;
    case 'call':
      process.exitCode = await callOnce(command.method, command.params, command.verbose);
      break;
    case 'doctor':
      process.exitCode = await doctor(command.json);
      break;
    case 'prune':
      process.exitCode = await pruneCommand(command);
      break;
    case 'serve':
      await serve(command.verbose);
      break;
  }
};
