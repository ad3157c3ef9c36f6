// The edge's public surface: decode a CDC record into a change, or the refusal saying why not.
import type { KafkaRecord } from '../../platform/kafka';
import type { Change, DecodeError, SourceName } from './changes';
import { decodeChange as decodeToResult, type AvroDecoder } from './decode';

export * from './changes';
export { type AvroDecoder } from './decode';
export { normaliseEnvelope } from './normalise';
export { applyPatch } from './patch';

/**
 * @deprecated The old answer shape, under the old name, only while
 * test/integration/cdc-mariadb.test.ts still reads `isDecodeError(decoded)`. New code imports
 * `decodeChange` from './decode', which answers `Result<Change, Refusal>`; once that test
 * follows, export that one here and delete this with DecodeError and isDecodeError.
 */
export async function decodeChange(
  source: SourceName,
  record: KafkaRecord,
  codecs: AvroDecoder,
): Promise<Change | DecodeError> {
  const result = await decodeToResult(source, record, codecs);
  if (result.ok) return result.value;
  const { reason, gmcNumberProblem } = result.error;
  return gmcNumberProblem === undefined ? { error: reason } : { error: reason, gmcNumberProblem };
}
