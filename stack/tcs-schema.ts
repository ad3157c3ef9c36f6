// The TCS tables as the local MariaDB holds them: the columns the edge reads
// (processors/connections/sources/rows.ts) with the types TIS gives them, so that Debezium
// delivers each value in the encoding production does (BIGINT ids as longs, DATE columns as
// days since 1970-01-01, a DATETIME as epoch millis, a TIMESTAMP as ISO text), plus the
// `amendedDate` audit column every TCS table has.
import type { MySqlSourceName } from '../processors/connections/sources/changes';

/** The tables in the order the connector lists them; the topic is <prefix>.<database>.<table>. */
export const TCS_TABLE_NAMES = [
  'ContactDetails',
  'GmcDetails',
  'Person',
  'ProgrammeMembership',
  'CurriculumMembership',
  'Programme',
  'Placement',
] as const;
export type TcsTableName = (typeof TCS_TABLE_NAMES)[number];

/** The source (and topic variable) each TCS table is read as by the processors. */
export const TCS_TABLE_SOURCES = {
  ContactDetails: 'contactDetails',
  GmcDetails: 'gmcDetails',
  Person: 'person',
  ProgrammeMembership: 'programmeMembership',
  CurriculumMembership: 'curriculumMembership',
  Programme: 'programme',
  Placement: 'placement',
} as const satisfies Record<TcsTableName, MySqlSourceName>;

const AUDIT =
  'amendedDate TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP';

const COLUMNS: Record<TcsTableName, string[]> = {
  ContactDetails: [
    'id BIGINT NOT NULL PRIMARY KEY',
    'forenames VARCHAR(255)',
    'surname VARCHAR(255)',
  ],
  GmcDetails: [
    'id BIGINT NOT NULL PRIMARY KEY',
    'gmcNumber VARCHAR(255)',
    'gmcStatus VARCHAR(255)',
  ],
  Person: ['id BIGINT NOT NULL PRIMARY KEY', 'role VARCHAR(255)', 'addedDate DATETIME'],
  ProgrammeMembership: [
    'uuid CHAR(36) NOT NULL PRIMARY KEY',
    'personId BIGINT NOT NULL',
    'programmeId BIGINT',
    'programmeMembershipType VARCHAR(20)',
    'programmeStartDate DATE',
    'programmeEndDate DATE',
    'KEY personId (personId)',
  ],
  CurriculumMembership: [
    'id BIGINT NOT NULL PRIMARY KEY',
    'programmeMembershipUuid CHAR(36)',
    'curriculumId BIGINT',
    'curriculumStartDate DATE',
    'curriculumEndDate DATE',
    'KEY programmeMembershipUuid (programmeMembershipUuid)',
  ],
  Programme: [
    'id BIGINT NOT NULL PRIMARY KEY',
    'programmeName VARCHAR(255)',
    'programmeNumber VARCHAR(255)',
    'owner VARCHAR(255)',
  ],
  Placement: [
    'id BIGINT NOT NULL PRIMARY KEY',
    'traineeId BIGINT',
    'gradeId BIGINT',
    'dateFrom DATE',
    'dateTo DATE',
    'KEY traineeId (traineeId)',
  ],
};

/**
 * `CREATE … IF NOT EXISTS` statements for a TCS database, one per array element and safe to
 * run again. Tests create databases of their own with the same tables.
 */
export function tcsSchemaStatements(database: string): string[] {
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`not a plain database name: ${database}`);
  return [
    `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    ...TCS_TABLE_NAMES.map((table) => {
      const columns = [...COLUMNS[table].filter((c) => !c.startsWith('KEY ')), AUDIT];
      const keys = COLUMNS[table].filter((c) => c.startsWith('KEY '));
      return `CREATE TABLE IF NOT EXISTS \`${database}\`.\`${table}\` (\n  ${[...columns, ...keys].join(',\n  ')}\n) ENGINE=InnoDB`;
    }),
  ];
}
