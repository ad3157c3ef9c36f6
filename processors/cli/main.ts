#!/usr/bin/env node
// The `reval` command line: one program, one subcommand module per verb, so that each
// command's options and help live beside the code that implements them.
import { Command } from 'commander';
import { registerCommands } from './commands';
import { exitWithError } from './errors';

const SUMMARIES: Record<string, string> = {
  'fake-gmc': 'a fake GMC SOAP service with seeded doctors and injectable faults',
  'gmc-sync': 'one full GMC sync run by hand: fetch, compare, publish the changes',
  rebuild: 'rebuild the Elasticsearch views by replaying topics; atomic alias swap',
  run: 'run one processor (or all) until SIGTERM; /metrics, /healthz, /readyz',
  start: 'every processor in one process; with no configuration, the demo (npm start)',
};

export function buildProgram(): Command {
  const program = new Command('reval')
    .description(
      'reval-stream: keeps the revalidation Connections views (TIS vs GMC) correct and fresh.\n' +
        'Configuration comes from environment variables (README, "Configuration").\n' +
        'Every command has --help.',
    )
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerCommands(program);
  // The command list shows one line each; the full description stays in `<command> --help`.
  for (const command of program.commands) {
    if (!command.summary())
      command.summary(SUMMARIES[command.name()] ?? command.description().split('\n')[0]);
  }
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => exitWithError(error));
}
