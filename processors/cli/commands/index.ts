// Every subcommand of `reval`. Each module adds itself to the program with its own help.
import type { Command } from 'commander';
import { register as connectors } from './connectors';
import { register as dlq } from './dlq';
import { register as evaluate } from './evaluate';
import { register as explain } from './explain';
import { register as fakeGmc } from './fake-gmc';
import { register as gmcFetch } from './gmc-fetch';
import { register as gmcSync } from './gmc-sync';
import { register as rebuild } from './rebuild';
import { register as run } from './run';
import { register as schemas } from './schemas';
import { register as stack } from './stack';
import { register as start } from './start';

export function registerCommands(program: Command): void {
  for (const register of [
    connectors,
    dlq,
    evaluate,
    explain,
    fakeGmc,
    gmcFetch,
    gmcSync,
    rebuild,
    run,
    schemas,
    stack,
    start,
  ])
    register(program);
}
