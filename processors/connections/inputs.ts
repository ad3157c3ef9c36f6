// Every topic the connections processor reads: the Debezium sources (decoded by ./sources)
// and the GMC sync's own gmc.doctors.
import { SOURCE_NAMES } from './sources';

export const INPUT_SOURCES = [...SOURCE_NAMES, 'gmcDoctors'] as const;
export type InputSource = (typeof INPUT_SOURCES)[number];
