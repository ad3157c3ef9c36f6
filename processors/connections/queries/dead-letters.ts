// The dead letters that concern one doctor, for `reval explain`: a bad input row never reaches
// the doctor's state, so the explanation shows the last good state, and this says where the
// refused row is kept (the dead-letter topic holds its original bytes until it is replayed).
// A letter is the doctor's when its record names the GMC number, or one of the doctor's TIS
// person ids (as personId, traineeId, or the id of a person-keyed table); a record too broken to name anyone cannot be
// told apart and is not listed.
import { isDeadLetter } from '../../platform/dead-letters';
import type { KafkaClient } from '../../platform/kafka';
import type { SchemaRegistryCodecs } from '../../platform/registry';
import type { Topics } from '../../platform/topics';

export interface DoctorDeadLetter {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: number;
  reason: string;
  failedAt: string;
  /** Where the letter itself is: the dead-letter topic's partition and offset. */
  partition: number;
  offset: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a record's key or value text names the doctor (see the top of this file). */
export function namesDoctor(
  text: string,
  gmcNumber: string,
  personIds: readonly string[],
  personKeyed: boolean,
): boolean {
  if (new RegExp(`(?<![0-9A-Za-z])${escape(gmcNumber)}(?![0-9A-Za-z])`).test(text)) return true;
  // A placement names its person as traineeId; person-keyed tables as their own id.
  const field = personKeyed ? '(?:personId|traineeId|id)' : '(?:personId|traineeId)';
  return personIds.some((id) =>
    new RegExp(`"${field}"\\s*:\\s*"?${escape(id)}(?![0-9])`).test(text),
  );
}

export async function deadLettersOfDoctor(
  kafka: Pick<KafkaClient, 'readToEnd'>,
  codecs: Pick<SchemaRegistryCodecs, 'decode'>,
  topics: Topics,
  gmcNumber: string,
  personIds: readonly string[],
): Promise<DoctorDeadLetter[]> {
  const personKeyed = new Set([topics.person, topics.contactDetails, topics.gmcDetails]);
  const found: DoctorDeadLetter[] = [];
  await kafka.readToEnd([topics.dlq], async (records) => {
    for (const record of records) {
      if (record.value === null) continue;
      const letter = await codecs.decode(record.value).catch(() => null);
      if (!isDeadLetter(letter)) continue;
      const text = `${letter.key?.toString('utf8') ?? ''}\n${letter.value?.toString('utf8') ?? ''}`;
      if (!namesDoctor(text, gmcNumber, personIds, personKeyed.has(letter.sourceTopic))) continue;
      found.push({
        sourceTopic: letter.sourceTopic,
        sourcePartition: letter.sourcePartition,
        sourceOffset: letter.sourceOffset,
        reason: letter.reason,
        failedAt: letter.failedAt.toISOString(),
        partition: record.partition,
        offset: record.offset,
      });
    }
  });
  return found;
}
