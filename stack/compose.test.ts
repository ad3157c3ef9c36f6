// docker-compose.kafka.yml runs the versions the native stack runs: its image tags must be
// VERSIONS' (through IMAGES), and its MariaDB must start with the TCS tables and accounts the
// native one creates. Either drifting fails here, not on a Docker user's machine.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tcsInitStatements } from './mariadb';
import { IMAGES, VERSIONS } from './settings';

const root = join(__dirname, '..');
const compose = readFileSync(join(root, 'docker-compose.kafka.yml'), 'utf8');
const INIT_SQL = join(root, 'docker', 'mariadb-init.sql');

/** Services compose runs that the native stack has no counterpart for. */
const COMPOSE_ONLY: Record<string, string> = {
  // A replica set, for Debezium's MongoDB connector (change streams); FerretDB has none.
  mongodb: 'mongo:7.0',
};

/** service name → its block's text, for the two-space-indented services of the file. */
function services(text: string): Map<string, string> {
  const body = text.slice(text.indexOf('\nservices:\n'));
  const blocks = new Map<string, string>();
  for (const match of body.matchAll(/^ {2}([a-z][\w-]*):\n((?: {4}.*\n|\s*\n)*)/gm)) {
    blocks.set(match[1], match[2]);
  }
  return blocks;
}

const imageOf = (block: string) => /^ {4}image: *(\S+)/m.exec(block)?.[1];

/** What docker/mariadb-init.sql must hold, generated from the native stack's own statements. */
function initSql(): string {
  return [
    '-- Generated from stack/mariadb.ts (tcsInitStatements): the TCS tables and the',
    "-- local accounts docker-compose.kafka.yml's MariaDB creates on its first start. Regenerate",
    '-- with: REVAL_WRITE_COMPOSE_SQL=1 npx jest stack/compose.test.ts',
    '',
    tcsInitStatements()
      .map((statement) => `${statement};`)
      .join('\n\n'),
    '',
  ].join('\n');
}

describe('docker-compose.kafka.yml', () => {
  const blocks = services(compose);

  it('pins every image the native stack runs at VERSIONS', () => {
    const pinned = Object.fromEntries([...blocks].map(([name, block]) => [name, imageOf(block)]));
    expect(pinned).toEqual({
      kafka: IMAGES.kafka,
      registry: IMAGES.registry,
      elasticsearch: IMAGES.elasticsearch,
      mariadb: IMAGES.mariadb,
      connect: IMAGES.connect,
      ...COMPOSE_ONLY,
    });
  });

  it('gives Connect the converter version the native stack fetches', () => {
    expect(blocks.get('connect')).toContain(
      `APICURIO_CONVERTER_VERSION: ${VERSIONS.apicurioConverter}`,
    );
  });

  it("configures MariaDB's binlog as Debezium needs it and loads the generated init file", () => {
    const mariadb = blocks.get('mariadb') ?? '';
    for (const flag of ['--log-bin', '--binlog-format=ROW', '--binlog-row-image=FULL']) {
      expect(mariadb).toContain(flag);
    }
    expect(mariadb).toContain('./docker/mariadb-init.sql:/docker-entrypoint-initdb.d/');
    if (process.env.REVAL_WRITE_COMPOSE_SQL === '1') writeFileSync(INIT_SQL, initSql());
    expect(existsSync(INIT_SQL) ? readFileSync(INIT_SQL, 'utf8') : '(missing)').toBe(initSql());
  });
});
