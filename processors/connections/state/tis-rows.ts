// The TCS row changes the TIS join consumes, as the Debezium edge normalises them.
export type {
  ContactDetailsRow,
  CurriculumMembershipRow,
  GmcDetailsRow,
  PersonRow,
  PlacementRow,
  ProgrammeMembershipRow,
  ProgrammeRow,
} from '../sources/changes';
import type { Change } from '../sources/changes';

export const TIS_SOURCES = [
  'contactDetails',
  'gmcDetails',
  'person',
  'programmeMembership',
  'curriculumMembership',
  'programme',
  'placement',
] as const;

export type TisChange = Extract<Change, { source: (typeof TIS_SOURCES)[number] }>;
