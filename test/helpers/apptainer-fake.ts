import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { ProcessResult, ProcessRunner } from '../../src/engines/apptainer/process-runner.js';
import { repoRoot } from './paths.js';

const fixture = (name: string) => readFileSync(`${repoRoot}test/fixtures/apptainer/${name}`, 'utf8');
const ok = (stdout = '', all = stdout): ProcessResult => ({ exitCode: 0, stdout, all });

/**
 * Stands in for the `apptainer` program (not installable here): records every command line and
 * answers with the documented outputs of test/fixtures/apptainer. `pull` and `build` write a
 * small file where the SIF would be, so the engine's own file handling runs for real.
 */
export class FakeApptainer {
  readonly calls: string[][] = [];
  readonly instances = new Map<string, string>();
  execOutput = 'hello from the instance\n';
  execExitCode = 0;

  readonly run: ProcessRunner = async (_file, args, options = {}) => {
    this.calls.push(args);
    const [verb, sub] = args;
    if (verb === '--version') return ok(fixture('version.txt'));
    if (verb === 'pull' || verb === 'build') {
      const target = args.at(-2) as string;
      await writeFile(target, `SIF built from ${args.at(-1)}`);
      return ok();
    }
    if (verb === 'instance' && sub === 'list') {
      const named = args.length > 3 ? (args.at(-1) as string) : undefined;
      const listed = [...this.instances].filter(([name]) => !named || name === named);
      if (listed.length === 0) return ok(fixture('instance-list-empty.json'));
      const one = (name: string, sif: string) =>
        JSON.parse(fixture('instance-list-one.json').replaceAll('{{NAME}}', name).replaceAll('{{SIF}}', sif))
          .instances[0];
      // The documented format: `{"instances": [...]}`, tab-indented as Go's encoder writes it.
      return ok(
        `${JSON.stringify({ instances: listed.map(([name, sif]) => one(name, sif)) }, null, '\t')}\n`,
      );
    }
    if (verb === 'instance' && sub === 'start') {
      this.instances.set(args.at(-1) as string, args.at(-2) as string);
      return ok('', fixture('instance-start.txt'));
    }
    if (verb === 'instance' && sub === 'stop') {
      const name = args.at(-1) as string;
      const sif = this.instances.get(name);
      if (!sif) return { exitCode: 255, stdout: '', all: fixture('instance-stop-missing.txt') };
      this.instances.delete(name);
      return ok('', fixture('instance-stop.txt').replaceAll('{{NAME}}', name).replaceAll('{{SIF}}', sif));
    }
    if (verb === 'exec' || verb === 'run') {
      options.onOutput?.('stdout', this.execOutput);
      return { exitCode: this.execExitCode, stdout: this.execOutput, all: this.execOutput };
    }
    return { exitCode: 1, stdout: '', all: `unexpected command: ${args.join(' ')}` };
  };
}
