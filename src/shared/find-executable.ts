import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Looks a program up on PATH without spawning anything (`which` costs a process). */
export const findExecutable = (name: string, env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const folder of (env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    for (const extension of extensions) {
      const candidate = join(folder, name + extension.toLowerCase());
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) return candidate;
      } catch {}
    }
  }
  return undefined;
};
