// The edge's public surface: decode a CDC record into a change, and know which source a topic
// carries.
import type { Topics } from '../../platform/config';
import { SOURCE_NAMES, type SourceName } from './changes';

export * from './changes';
export { decodeChange, type AvroDecoder } from './decode';
export { normaliseEnvelope } from './normalise';
export { applyPatch } from './patch';

/** Topic name (as configured) to the source it carries. */
export function sourceByTopic(topics: Topics): Map<string, SourceName> {
  return new Map(SOURCE_NAMES.map((source) => [topics[source], source]));
}
