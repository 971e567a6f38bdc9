export type Command =
  | { kind: 'serve'; verbose: boolean }
  | {
      kind: 'call';
      method: string;
      params: string | undefined;
      verbose: boolean;
      feedback: 'auto' | 'plain' | 'quiet';
    }
  | { kind: 'doctor'; json: boolean }
  | { kind: 'prune'; dryRun: boolean; engine: string | undefined; json: boolean }
  | { kind: 'openrpc' }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'usage-error'; message: string };

export const parseArgs = (argv: string[]): Command => {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const rest = argv.filter((arg) => arg !== '--verbose' && arg !== '-v');
  if (rest.includes('--help') || rest.includes('-h') || rest[0] === 'help') return { kind: 'help' };
  if (rest.includes('--version')) return { kind: 'version' };
  if (rest.length === 0 || (rest.length === 1 && rest[0] === 'serve')) return { kind: 'serve', verbose };
  if (rest[0] === 'doctor') {
    const extra = rest.slice(1).filter((arg) => arg !== '--json');
    if (extra.length > 0) return { kind: 'usage-error', message: `unexpected arguments: ${extra.join(' ')}` };
    return { kind: 'doctor', json: rest.includes('--json') };
  }
  if (rest[0] === 'prune') return parsePrune(rest.slice(1));
  if (rest[0] === 'openrpc') {
    if (rest.length > 1)
      return { kind: 'usage-error', message: `unexpected arguments: ${rest.slice(1).join(' ')}` };
    return { kind: 'openrpc' };
  }
  if (rest[0] === 'call') return parseCall(rest.slice(1), verbose);
  return { kind: 'usage-error', message: `unknown command: ${rest.join(' ')}` };
};

/** `prune [--dry-run] [--json] [--engine NAME]` */
const parsePrune = (args: string[]): Command => {
  let engine: string | undefined;
  const flags = new Set<string>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--engine') engine = args[++index] ?? '';
    else if (arg.startsWith('--engine=')) engine = arg.slice('--engine='.length);
    else if (arg === '--dry-run' || arg === '--json') flags.add(arg);
    else return { kind: 'usage-error', message: `unexpected argument for prune: ${arg}` };
  }
  if (engine === '') return { kind: 'usage-error', message: '--engine needs a NAME' };
  return { kind: 'prune', dryRun: flags.has('--dry-run'), engine, json: flags.has('--json') };
};

/** `call METHOD ['{json}' | -] [--progress=auto|plain|quiet] [--quiet]` */
const parseCall = (args: string[], verbose: boolean): Command => {
  let feedback: 'auto' | 'plain' | 'quiet' = 'auto';
  const positional: string[] = [];
  for (const arg of args) {
    if (arg === '--quiet' || arg === '-q') feedback = 'quiet';
    else if (arg.startsWith('--progress=')) {
      const value = arg.slice('--progress='.length);
      if (value !== 'auto' && value !== 'plain' && value !== 'quiet')
        return { kind: 'usage-error', message: `--progress takes auto, plain or quiet, not ${value}` };
      feedback = value;
    } else if (arg.startsWith('--'))
      return { kind: 'usage-error', message: `unexpected argument for call: ${arg}` };
    else positional.push(arg);
  }
  const [method, params, ...extra] = positional;
  if (!method) return { kind: 'usage-error', message: 'call needs a METHOD' };
  if (extra.length > 0) return { kind: 'usage-error', message: `unexpected arguments: ${extra.join(' ')}` };
  return { kind: 'call', method, params, verbose, feedback };
};
