// What an interactive query about one doctor answers (GET /doctors/{gmcNumber} and
// `reval explain`): the derived record, the rules' explanation and the input rows that
// decided it, and where the doctor's state lives.
import type { StoreOwner, StoreQuery } from '../../streams/interactive-queries';
import type { ConnectionRecord } from '../connection-record';
import type { ExplainedRow } from '../tasks/doctor-inputs';

export type { StoreOwner };

/** The JSON of GET /doctors/{gmcNumber} (issue 14, contract item 5). */
export interface DoctorExplanation {
  gmcReferenceNumber: string;
  /** The partition of the doctors stage (and of reval.connections) that holds the doctor. */
  partition: number;
  /**
   * The instance that holds the partition; null only when `reval explain` read the changelog
   * and no instance holds it now.
   */
  owner: StoreOwner | null;
  /** The record as derived at `at`; null when the inputs make no doctor (a tombstone). */
  record: ConnectionRecord | null;
  /** The rules' explanation, a sentence each, in the order the rules decide. */
  explanation: string[];
  rows: ExplainedRow[];
  /** The instant whose local date the rules used as today. */
  at: string;
}

/** A doctor's explanation, or where it is instead. */
export type DoctorLookup =
  | { kind: 'found'; explanation: DoctorExplanation }
  | { kind: 'unknown'; partition: number; owner: StoreOwner }
  | Exclude<StoreQuery<never>, { kind: 'local' }>;
