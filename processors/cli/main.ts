#!/usr/bin/env node
// The `reval` command line: one program, one subcommand module per verb, so that each
// command's options and help live beside the code that implements them.
import { Command } from 'commander';
import { registerCommands } from './commands';
import { exitWithError } from './errors';

export function buildProgram(): Command {
  const program = new Command('reval')
    .description(
      'reval-stream: keeps the revalidation Connections views (TIS vs GMC) correct and fresh.\n' +
        'Configuration comes from environment variables; see the README or `reval config --help`.',
    )
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerCommands(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => exitWithError(error));
}
