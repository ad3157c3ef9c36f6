import { ViewNameTakenError } from '../es-sink/bootstrap';
import { ConfigError } from '../platform/config';
import { RegistryUnavailableError } from '../platform/registry';

/** Prints an error the user can act on and exits non-zero; stack traces only for bugs. */
export function exitWithError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`reval: configuration error: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  if (error instanceof RegistryUnavailableError) {
    // An outage, not a bug: what failed and where, without a stack trace.
    process.stderr.write(`reval: ${error.message}\n`);
    process.exit(69); // EX_UNAVAILABLE
  }
  if (error instanceof UserError || error instanceof ViewNameTakenError) {
    process.stderr.write(`reval: ${error.message}\n`);
    process.exit(error instanceof UserError ? error.exitCode : 1);
  }
  process.stderr.write(
    `reval: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}

/** An error caused by the user's input or environment, reported without a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
