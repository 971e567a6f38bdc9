export type Command =
  | { kind: 'serve'; verbose: boolean }
  | { kind: 'call'; method: string; params: string | undefined; verbose: boolean }
  | { kind: 'doctor'; json: boolean }
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
  if (rest[0] === 'call') {
    const [, method, params, ...extra] = rest;
    if (!method) return { kind: 'usage-error', message: 'call needs a METHOD' };
    if (extra.length > 0) return { kind: 'usage-error', message: `unexpected arguments: ${extra.join(' ')}` };
    return { kind: 'call', method, params, verbose };
  }
  return { kind: 'usage-error', message: `unknown command: ${rest.join(' ')}` };
};
