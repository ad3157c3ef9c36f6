// One doctor's explanation from the doctors stage's state: the same assembly of inputs the
// stage derives from (inputsOfDoctor), the rules applied as of the local date of `at`, and
// the rules' own account of each decision. Pure; the HTTP endpoint and the changelog reader
// of `reval explain` both answer with it, so the two paths cannot disagree.
import { todayIn } from '../../rules/dates';
import { evaluateDoctor } from '../../rules/derive';
import { explainEvaluation, explanationSentences } from '../../rules/explain';
import { statusSnapshot, toConnectionRecord, type ConnectionRecord } from '../connection-record';
import { inputsOfDoctor, type ExplainedRow } from '../tasks/doctor-inputs';
import { sourcesOf, type DoctorState, type DoctorsSettings } from '../tasks/doctors';
import { statusBefore, statusSinceOf } from '../tasks/status-history';

export interface ExplainedState {
  record: ConnectionRecord | null;
  explanation: string[];
  rows: ExplainedRow[];
}

export function explainState(
  gmcNumber: string,
  state: DoctorState,
  settings: Pick<DoctorsSettings, 'programmes' | 'designatedBodies' | 'timeZone'>,
  at: Date,
): ExplainedState {
  const { inputs, rows } = inputsOfDoctor(gmcNumber, state, settings);
  if (inputs === null) {
    return {
      record: null,
      explanation: [
        'no record: there is no TIS person, GMC state or doctorsForDB document for this number.',
      ],
      rows,
    };
  }
  const evaluation = evaluateDoctor(
    inputs,
    todayIn(at, settings.timeZone),
    settings.designatedBodies,
  );
  const { emitted } = state;
  const record = toConnectionRecord(evaluation.record, emitted?.version ?? 0, at, sourcesOf(state));
  // As the stage would write it at `at`: the status kept since it last moved, else since `at`.
  const since = statusSinceOf(
    statusBefore(emitted),
    statusSnapshot(record),
    emitted?.statusSince,
    at.getTime(),
  );
  return {
    record: {
      ...record,
      explanation: explainEvaluation(evaluation, { dated: false }),
      statusSince: new Date(since),
    },
    explanation: explanationSentences(evaluation),
    rows,
  };
}
