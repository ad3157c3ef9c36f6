// A test's own Debezium connector on the local MariaDB: its own topic prefix, database,
// schema-history topic and replica id, so tests never read each other's changes.
import { randomInt } from 'node:crypto';
import { TCS_TABLE_NAMES } from '../../stack/tcs-schema';

export function privateConnectorOverride(
  prefix: string,
  database: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'topic.prefix': prefix,
    'database.include.list': database,
    'table.include.list': TCS_TABLE_NAMES.map((t) => `${database}\\.${t}`).join(','),
    // Each connector reads the binlog as a replica of its own.
    'database.server.id': String(randomInt(200_000, 2_000_000_000)),
    'schema.history.internal.kafka.topic': `${prefix}.schema-history`,
    'topic.creation.default.partitions': '1',
    ...extra,
  };
}
