// The connections topology on the in-memory test driver, for golden tests: changes in (the
// Programme ones go to the global table, as the runtime does), the latest record per doctor out.
import { DEFAULT_TOPICS } from '../platform/topics';
import { buildDesignatedBodyMap } from '../rules/designated-body';
import designatedBodyTable from '../rules/designated-bodies.json';
import { ok, refuse } from '../platform/result';
import { TopologyTestDriver } from '../streams/test-driver';
import { decodeValue, encodeValue } from '../streams/values';
import type { ConnectionChange, ConnectionRecord } from './connection-record';
import type { Change, ProgrammeRow } from './sources';
import type { GmcChange } from './state/gmc-doctor-state';
import { reconcileProgramme, reevaluateDue, type VersionedConnection } from './tasks/doctors';
import { connectionsTopology, STAGES } from './topology';

export interface GoldenRecord {
  key: string;
  version: number;
  value: ConnectionRecord | null;
}

export function connectionsDriver(options: { partitions?: number; now?: string } = {}) {
  const programmes = new Map<number, ProgrammeRow>();
  const doctors = {
    designatedBodies: buildDesignatedBodyMap(designatedBodyTable),
    timeZone: 'Europe/London',
    programmes,
  };
  const topology = connectionsTopology({
    applicationId: 'golden',
    topics: { ...DEFAULT_TOPICS },
    partitions: options.partitions ?? 3,
    doctors,
    // `feedRecords` packs each change as the record's value: the edge's decoding is tested apart.
    decodeSource: (_source, record) =>
      Promise.resolve(
        record.value === null
          ? refuse('golden records carry a change')
          : ok(decodeValue<Change | GmcChange>(record.value)),
      ),
    encodeConnection: () => Buffer.alloc(0),
    encodeConnectionChange: () => Buffer.alloc(0),
  });
  const driver = new TopologyTestDriver(topology, new Date(options.now ?? '2026-11-25T10:00:00Z'));

  /** Every record written to reval.connections since the last call, in order. */
  function written(): GoldenRecord[] {
    return driver
      .readOutput<VersionedConnection>(DEFAULT_TOPICS.connections)
      .map(({ key, value }) => ({
        key,
        version: (value as VersionedConnection).version,
        value: (value as VersionedConnection).record,
      }));
  }

  /** Applies the changes; returns the newest record of each doctor written meanwhile, by key. */
  function feed(changes: (Change | GmcChange)[], now?: string): GoldenRecord[] {
    if (now) driver.setTime(now);
    for (const change of changes) {
      if (change.source === 'programme') {
        const id = Number(change.key);
        if (change.op === 'upsert') programmes.set(id, change.row);
        else if (change.op === 'delete') programmes.delete(id);
        driver.punctuate(STAGES.doctors, (context) => reconcileProgramme(id, context, doctors));
      } else {
        driver.pipe(DEFAULT_TOPICS[change.source], change.key, change);
      }
    }
    return latestByKey(written());
  }

  /**
   * As `feed`, but each change arrives as a Kafka record at the given offset (partition 0 of
   * its topic) and goes through the source tables' deserialisation, which sets its origin.
   */
  async function feedRecords(
    changes: { change: Change | GmcChange; offset: number }[],
    now?: string,
  ): Promise<GoldenRecord[]> {
    if (now) driver.setTime(now);
    for (const { change, offset } of changes) {
      if (change.source === 'programme') throw new Error('programmes go through feed');
      await driver.pipeRecord({
        topic: DEFAULT_TOPICS[change.source],
        partition: 0,
        offset: String(offset),
        key: Buffer.from(change.key),
        value: encodeValue(change),
        headers: {},
        timestamp: '0',
      });
    }
    return latestByKey(written());
  }

  /** What midnight does: re-derives the doctors whose date has come. */
  function midnight(now: string): GoldenRecord[] {
    driver.setTime(now);
    driver.punctuate(STAGES.doctors, (context) => reevaluateDue(context, doctors));
    return latestByKey(written());
  }

  /** Every change record written to reval.connection-changes since the last call, in order. */
  function changes(): ConnectionChange[] {
    return driver
      .readOutput<ConnectionChange>(DEFAULT_TOPICS.connectionChanges)
      .map(({ value }) => value as ConnectionChange);
  }

  return { driver, feed, feedRecords, midnight, written, changes, programmes, doctors };
}

function latestByKey(records: GoldenRecord[]): GoldenRecord[] {
  const latest = new Map<string, GoldenRecord>();
  for (const record of records) latest.set(record.key, record);
  return [...latest.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
