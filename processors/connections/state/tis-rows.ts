// The TCS row changes the TIS join consumes: the MySQL sources of the Debezium edge.
import { MYSQL_SOURCES, type Change, type MySqlSourceName } from '../sources/changes';

export const TIS_SOURCES: readonly MySqlSourceName[] = MYSQL_SOURCES;

export type TisChange = Extract<Change, { source: MySqlSourceName; op: 'upsert' | 'delete' }>;
