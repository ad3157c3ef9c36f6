// The bytes of store values, changelog records and repartition records: MessagePack (msgpackr),
// which keeps Dates as Dates and is several times more compact and faster than JSON. Records
// (shared structures) are off, so every value decodes on its own, in any process, later.
import { Packr } from 'msgpackr';

const packr = new Packr({ useRecords: false, moreTypes: false });

export function encodeValue(value: unknown): Buffer {
  return packr.pack(value);
}

export function decodeValue<V>(bytes: Buffer): V {
  return packr.unpack(bytes) as V;
}
