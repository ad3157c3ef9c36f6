// Where a change sits in its source's history, from the Debezium `source` block, so that a
// replayed or reordered older change never overwrites a newer one. Numbers, not bigints:
// the join keeps one per row, and these fit in 2^53.
import { isObject, type Json } from './envelope';

const MONGO_ORD_SPAN = 2 ** 21;
const MYSQL_POS_SPAN = 2 ** 32;

/**
 * MySQL: binlog file sequence, then position in it (a binlog file is below 4 GiB). MongoDB:
 * the cluster time's seconds, then its increment (`ord`). Undefined when the block lacks
 * them (a flattened record, or a connector this edge does not know).
 */
export function sourcePosition(envelope: Json): number | undefined {
  const source = envelope.source;
  if (!isObject(source)) return undefined;
  const file = typeof source.file === 'string' ? /\.(\d+)$/.exec(source.file)?.[1] : undefined;
  const pos = Number(source.pos);
  if (file !== undefined && Number.isSafeInteger(pos)) return Number(file) * MYSQL_POS_SPAN + pos;
  const tsMs = Number(source.ts_ms);
  const ord = Number(source.ord);
  if (Number.isSafeInteger(tsMs) && Number.isSafeInteger(ord)) {
    return Math.floor(tsMs / 1000) * MONGO_ORD_SPAN + (ord % MONGO_ORD_SPAN);
  }
  return undefined;
}

/** The same coordinates as a person reads them, and the source's own time, for provenance. */
export interface SourcePoint {
  sourcePosition?: string;
  sourceTime?: string;
}

/**
 * MySQL: `<binlog file>:<pos>`; MongoDB: the cluster time as `<seconds>:<ord>`. The time is the
 * block's `ts_ms` (when the database made the change; the snapshot's time for a snapshot row).
 */
export function sourcePoint(envelope: Json): SourcePoint {
  const source = envelope.source;
  if (!isObject(source)) return {};
  const point: SourcePoint = {};
  const tsMs = Number(source.ts_ms);
  if (typeof source.file === 'string' && Number.isSafeInteger(Number(source.pos))) {
    point.sourcePosition = `${source.file}:${Number(source.pos)}`;
  } else if (Number.isSafeInteger(tsMs) && Number.isSafeInteger(Number(source.ord))) {
    point.sourcePosition = `${Math.floor(tsMs / 1000)}:${Number(source.ord)}`;
  }
  if (Number.isSafeInteger(tsMs) && tsMs > 0) point.sourceTime = new Date(tsMs).toISOString();
  return point;
}
