// The local stack captures TCS with Debezium's MariaDB connector; production runs the MySQL
// connector. Their records differ only in the `source` block (`"connector": "mariadb"`, the
// schema io.debezium.connector.mariadb.Source, MariaDB's domain-server-sequence GTIDs, its
// binlog file names), so the edge must make the same change of either, in every converter
// format, and order both by the same binlog coordinates. The MariaDB block below is the one a
// real 3.5.0.Final connector wrote against the stack's MariaDB 10.11.
import * as avro from 'avsc';
import type { KafkaRecord } from '../../platform/kafka';
import { logicalTypes } from '../../platform/avro-types';
import { exactLongTypeHook } from '../../platform/avro-long';
import { DebeziumEvents, type ConnectRecord, type Format } from '../../../dev/debezium';
import { decodeChange, type AvroDecoder } from './decode';
import type { Json } from './envelope';
import type { Change } from './changes';
import { sourcePosition } from './position';

class MemoryRegistry implements AvroDecoder {
  private readonly schemas: string[] = [];

  async registerRaw(_subject: string, schema: object): Promise<number> {
    const text = JSON.stringify(schema);
    const found = this.schemas.indexOf(text);
    return found >= 0 ? found + 1 : this.schemas.push(text);
  }

  async decode(buffer: Buffer): Promise<unknown> {
    const schema = JSON.parse(this.schemas[buffer.readUInt32BE(1) - 1]) as avro.Schema;
    const type = avro.Type.forSchema(schema, {
      wrapUnions: false,
      logicalTypes,
      typeHook: exactLongTypeHook,
    });
    return type.fromBuffer(buffer.subarray(5));
  }
}

const registry = new MemoryRegistry();
const events = new DebeziumEvents({
  registrar: registry,
  clock: () => new Date('2026-12-01T02:48:29Z'),
});

interface Coordinates {
  file: string;
  pos: number;
  row?: number;
}

/** A MySQL-connector record's source block, at the given binlog coordinates. */
function asMySql(record: ConnectRecord, at: Coordinates): ConnectRecord {
  const value = record.value as Json;
  return {
    ...record,
    value: {
      ...value,
      source: {
        ...(value.source as Json),
        gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:23',
        file: at.file,
        pos: at.pos,
        row: at.row ?? 0,
      },
    },
  };
}

/**
 * The same record as the MariaDB connector writes it: its own source schema name, connector,
 * server id and MariaDB GTID (domain-server-sequence), the rest as the MySQL connector's.
 */
function asMariaDb(record: ConnectRecord, at: Coordinates): ConnectRecord {
  const value = record.value as Json;
  const schema = record.valueSchema;
  return {
    ...record,
    valueSchema: schema && {
      ...schema,
      fields: schema.fields?.map((f) =>
        f.field === 'source' ? { ...f, name: 'io.debezium.connector.mariadb.Source' } : f,
      ),
    },
    value: {
      ...value,
      source: {
        ...(value.source as Json),
        version: '3.5.0.Final',
        connector: 'mariadb',
        server_id: 1,
        gtid: '0-1-85',
        file: at.file,
        pos: at.pos,
        row: at.row ?? 0,
        thread: null,
      },
    },
  };
}

async function decode(record: ConnectRecord, format: Format): Promise<Change> {
  const message = await events.encode(record, format);
  const kafkaRecord: KafkaRecord = {
    topic: message.topic,
    partition: 0,
    offset: '0',
    key: message.key,
    value: message.value,
    headers: {},
    timestamp: '1796093309477',
  };
  const change = await decodeChange('programmeMembership', kafkaRecord, registry);
  if (!change.ok) throw new Error(change.error.reason);
  return change.value;
}

const membership = {
  uuid: '3f1c1f9e-6f0b-4b8e-9a55-0c6a1d2e7b01',
  personId: 101,
  programmeId: 11,
  programmeMembershipType: 'SUBSTANTIVE',
  programmeStartDate: '2024-08-07',
  programmeEndDate: '2028-08-06',
};

describe.each<Format>(['json', 'json-schemaless', 'avro'])('connector flavour, %s', (format) => {
  it.each(['r', 'c', 'u', 'd'] as const)(
    'op %s: a MySQL and a MariaDB record of the same row make the same change',
    async (op) => {
      const record = events.mysqlRecord('ProgrammeMembership', op, {
        before: op === 'u' || op === 'd' ? { ...membership, programmeEndDate: '2027-08-06' } : null,
        after: op === 'd' ? null : membership,
      });
      const at = { file: 'binlog.000004', pos: 929 };
      const fromMySql = await decode(asMySql(record, at), format);
      const fromMariaDb = await decode(asMariaDb(record, at), format);
      expect(fromMariaDb).toEqual(fromMySql);
      // Including the position: both read the same coordinates out of their blocks.
      expect(fromMariaDb.position).toBe(4 * 2 ** 32 + 929);
    },
  );

  it('the MariaDB record really is the other flavour on the wire', async () => {
    const record = events.mysqlRecord('ProgrammeMembership', 'c', { after: membership });
    const message = await events.encode(
      asMariaDb(record, { file: 'mariadb-bin.000004', pos: 929 }),
      format,
    );
    if (format === 'avro') {
      const decoded = (await registry.decode(message.value as Buffer)) as Json;
      expect(decoded.source).toMatchObject({ connector: 'mariadb', gtid: '0-1-85' });
    } else {
      const text = (message.value as Buffer).toString('utf8');
      expect(text).toContain('"connector":"mariadb"');
      if (format === 'json') expect(text).toContain('io.debezium.connector.mariadb.Source');
    }
  });
});

describe('the ordering position of each flavour', () => {
  const positionOf = async (record: ConnectRecord) => (await decode(record, 'json')).position;
  const created = events.mysqlRecord('ProgrammeMembership', 'c', { after: membership });

  it('MariaDB: binlog file sequence, then position, as for MySQL', async () => {
    const mariadb = (file: string, pos: number) => positionOf(asMariaDb(created, { file, pos }));
    const a = await mariadb('mariadb-bin.000004', 929);
    const b = await mariadb('mariadb-bin.000004', 1243);
    // A MariaDB restart opens the next binlog file: its changes sort after everything before.
    const c = await mariadb('mariadb-bin.000005', 4);
    expect(a).toBeDefined();
    expect(a as number).toBeLessThan(b as number);
    expect(b as number).toBeLessThan(c as number);
  });

  it('reads neither the GTID nor the server id, which differ in form between the flavours', () => {
    const block = (gtid: string | null, server_id: number) => ({
      op: 'u',
      source: { file: 'mariadb-bin.000004', pos: 1243, row: 0, gtid, server_id },
    });
    const expected = 4 * 2 ** 32 + 1243;
    expect(sourcePosition(block('0-1-86', 1))).toBe(expected);
    expect(sourcePosition(block('3e11fa47-71ca-11e1-9e33-c80aa9429562:24', 223344))).toBe(expected);
    expect(sourcePosition(block(null, 1))).toBe(expected);
  });

  it('a primary-key change: delete of the old key and create of the new share one position', async () => {
    // What MariaDB's connector wrote for `UPDATE … SET uuid = 'probe-2'`: both events at the
    // update's coordinates, under different keys, so neither hides the other.
    const at = { file: 'mariadb-bin.000004', pos: 1243 };
    const deleted = events.mysqlRecord('ProgrammeMembership', 'd', { before: membership });
    const recreated = events.mysqlRecord('ProgrammeMembership', 'c', {
      after: { ...membership, uuid: 'probe-2' },
    });
    const gone = await decode(asMariaDb(deleted, at), 'json');
    const born = await decode(asMariaDb(recreated, at), 'json');
    expect(gone).toMatchObject({ op: 'delete', key: membership.uuid });
    expect(born).toMatchObject({ op: 'upsert', key: 'probe-2' });
    expect(gone.position).toBe(born.position);
  });
});
