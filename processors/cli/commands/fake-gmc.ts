import { InvalidArgumentError, type Command } from 'commander';
import { loadDevTools } from '../dev-tools';
import { UserError } from '../errors';
import { untilSignal } from '../signals';

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

export function register(program: Command): void {
  program
    .command('fake-gmc')
    .description(
      'A fake GMC web service (GetDoctorsForDB over SOAP, the project WSDL) with seeded synthetic\n' +
        'doctors per designated body, for demos, tests and benchmarks. Lists and faults can be\n' +
        'changed while it runs: POST JSON to /fake-gmc/control, e.g.\n' +
        '  {"action":"fault","designatedBody":"1-1RSG4X0","fault":{"kind":"http500","times":2}}\n' +
        '  {"action":"move","gmcReferenceNumber":"1000001","designatedBody":"1-1RUZV1D"}\n' +
        '  {"action":"connect","designatedBody":"1-1RSG4X0"}  {"action":"disconnect",...}  {"action":"reset"}\n' +
        'Fault kinds: returnCode (with "returnCode"), http500, soapFault, delay (with "ms"),\n' +
        'truncated, malformed, emptyList. GET /fake-gmc/state shows the list sizes.',
    )
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', wholeNumber, 8089)
    .option('--doctors-per-body <n>', 'doctors in each designated body list', wholeNumber, 100)
    .option('--seed <s>', 'seed of the synthetic doctors (same seed, same doctors)', wholeNumber, 1)
    .option('--designated-bodies <codes>', 'comma-separated codes (default: the 14 current bodies)')
    .option(
      '--check-credentials',
      'answer 99 unless the request carries GMC_USERNAME / GMC_PASSWORD',
    )
    .action(
      async (options: {
        port: number;
        doctorsPerBody: number;
        seed: number;
        designatedBodies?: string;
        checkCredentials?: boolean;
      }) => {
        const designatedBodies = options.designatedBodies
          ?.split(',')
          .map((b) => b.trim())
          .filter(Boolean);
        const { GMC_USERNAME: username, GMC_PASSWORD: password } = process.env;
        if (options.checkCredentials && (!username || !password)) {
          throw new UserError('--check-credentials needs GMC_USERNAME and GMC_PASSWORD', 64);
        }
        const devTools = await loadDevTools();
        const fake = await devTools
          .startFakeGmc({
            port: options.port,
            designatedBodies,
            doctorsPerBody: options.doctorsPerBody,
            seed: options.seed,
            ...(options.checkCredentials ? { username, password } : {}),
          })
          .catch((error: unknown) => {
            const code = (error as NodeJS.ErrnoException).code;
            throw new UserError(
              code === 'EADDRINUSE'
                ? `port ${options.port} is already in use; pick another with --port`
                : String(error),
            );
          });
        const bodies = fake.designatedBodies;
        process.stdout.write(
          `fake GMC listening: ${bodies.length} designated bodies x ${options.doctorsPerBody} doctors, seed ${options.seed}\n` +
            `export GMC_URL=${fake.url}\n` +
            `export GMC_DESIGNATED_BODIES=${bodies.join(',')}\n` +
            (options.checkCredentials
              ? ''
              : 'export GMC_USERNAME=fake-gmc GMC_PASSWORD=fake-gmc  # any value is accepted\n'),
        );
        await untilSignal();
        await fake.stop();
      },
    );
}
