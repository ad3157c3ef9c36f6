// The project root, found the same way whether code runs from TypeScript (jest) or from
// dist/ (the `reval` binary), so data files such as schemas/*.avsc resolve in both.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  while (!existsSync(join(dir, 'schemas')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find the reval-stream project root above ${__dirname}`);
    dir = parent;
  }
  root = dir;
  return root;
}
