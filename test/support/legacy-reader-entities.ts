// Can a reader turn a hit into its Java entity? One checker per class the legacy readers map
// hits to, written from the classes themselves (commits as in legacy-reader-queries.ts):
//   - tis-revalidation-connection: src/main/java/uk/nhs/hee/tis/revalidation/connection/entity/
//     CurrentConnectionsView.java, MasterDoctorView.java, HiddenDiscrepancy.java (+ Discrepancy.java);
//   - tis-revalidation-recommendation: application/src/main/java/uk/nhs/hee/tis/revalidation/entity/
//     RecommendationView.java.
// How Spring Data Elasticsearch reads (MappingElasticsearchConverter, 4.1.8/4.2.6): `id` from
// the hit's _id; a property with @Field(type = Date, format = custom, pattern = "uuuu-MM-dd")
// through Elasticsearch's DateFormatter for that pattern; a property without @Field by type
// conversion; fields the class does not have are ignored; a missing field stays null.
// LocalDateTime/LocalDate properties without @Field (lastConnectionDateTime, hiddenDateTime,
// hiddenUntilDate) are converted from the string by Spring Data Commons' Jsr310Converters if
// that version registers StringToLocalDateTime/StringToLocalDate (ISO_DATE_TIME / ISO_DATE,
// which would also accept a zone); the Commons version the services ran was not read, so
// these checkers demand the narrower form every reading accepts: ISO local, no zone.
import type { Json, ReaderEntity } from './legacy-reader-queries';

type JavaType = 'String' | 'Long' | 'Boolean' | 'LocalDate' | 'LocalDateTime' | 'HiddenList';

/** Field → Java type, excluding `id` (always the hit's _id). */
const ENTITIES: Record<ReaderEntity, Record<string, JavaType>> = {
  CurrentConnectionsView: {
    tcsPersonId: 'Long',
    gmcReferenceNumber: 'String',
    doctorFirstName: 'String',
    doctorLastName: 'String',
    submissionDate: 'LocalDate', // @Field(Date, custom, "uuuu-MM-dd")
    programmeName: 'String',
    membershipType: 'String',
    designatedBody: 'String',
    tcsDesignatedBody: 'String',
    programmeOwner: 'String',
    membershipStartDate: 'LocalDate', // @Field(Date, custom, "uuuu-MM-dd")
    membershipEndDate: 'LocalDate', // @Field(Date, custom, "uuuu-MM-dd")
    exceptionReason: 'String',
    updatedBy: 'String',
    lastConnectionDateTime: 'LocalDateTime', // no @Field
  },
  MasterDoctorView: {
    tcsPersonId: 'Long',
    gmcReferenceNumber: 'String',
    doctorFirstName: 'String',
    doctorLastName: 'String',
    submissionDate: 'LocalDate',
    programmeName: 'String',
    membershipType: 'String',
    designatedBody: 'String',
    tcsDesignatedBody: 'String',
    programmeOwner: 'String',
    membershipStartDate: 'LocalDate',
    membershipEndDate: 'LocalDate',
    exceptionReason: 'String',
    updatedBy: 'String',
    lastConnectionDateTime: 'LocalDateTime',
    hiddenDiscrepancies: 'HiddenList', // @Field(type = Nested) List<HiddenDiscrepancy>
  },
  RecommendationView: {
    tcsPersonId: 'Long',
    gmcReferenceNumber: 'String', // @Field(Text, fielddata = true)
    doctorFirstName: 'String', // @Field(Text, fielddata = true)
    doctorLastName: 'String', // @Field(Text, fielddata = true)
    designatedBody: 'String',
    submissionDate: 'LocalDate', // @Field(Date, custom, "uuuu-MM-dd")
    gmcStatus: 'String',
    tisStatus: 'String',
    programmeName: 'String', // @Field(Text, fielddata = true)
    membershipType: 'String',
    curriculumEndDate: 'LocalDate', // @Field(Date, custom, "uuuu-MM-dd")
    admin: 'String',
    lastUpdatedDate: 'LocalDate', // @Field(Date, custom, "uuuu-MM-dd")
    underNotice: 'String',
    existsInGmc: 'Boolean',
  },
};

/** HiddenDiscrepancy (connection service) and the Discrepancy it extends; none has @Field. */
const HIDDEN_DISCREPANCY: Record<string, JavaType> = {
  id: 'String',
  gmcId: 'String',
  currentDesignatedBodyCode: 'String',
  programmeOwnerDesignatedBodyCode: 'String',
  hiddenForDesignatedBodyCode: 'String',
  hiddenBy: 'String',
  reason: 'String',
  hiddenDateTime: 'LocalDateTime',
  hiddenUntilDate: 'LocalDate',
};

export interface ReadEntity {
  /** Why the reader could not build its object from this hit; empty when it can. */
  problems: string[];
  /** The object as the reader holds it: every declared field, null when absent. */
  value: Json;
}

export function entityFields(entity: ReaderEntity): string[] {
  return ['id', ...Object.keys(ENTITIES[entity])];
}

/** Reads one hit the way the entity's reader would, or says why it cannot. */
export function readEntity(entity: ReaderEntity, hit: { _id: string; _source: Json }): ReadEntity {
  const problems: string[] = [];
  const value: Json = { id: hit._id };
  for (const [field, type] of Object.entries(ENTITIES[entity])) {
    value[field] = readField(type, hit._source[field], `${entity}.${field}`, problems);
  }
  return { problems, value };
}

function readField(type: JavaType, raw: unknown, where: string, problems: string[]): unknown {
  if (raw === undefined || raw === null) return null;
  const fail = (why: string) => {
    problems.push(`${where}: ${why} (${JSON.stringify(raw)})`);
    return null;
  };
  switch (type) {
    case 'String':
      return typeof raw === 'string' ? raw : fail('not a string');
    case 'Long':
      return typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : fail('not a long');
    case 'Boolean':
      return typeof raw === 'boolean' ? raw : fail('not a boolean');
    case 'LocalDate':
      return typeof raw === 'string' && isLocalDate(raw) ? raw : fail('not uuuu-MM-dd');
    case 'LocalDateTime':
      return typeof raw === 'string' && isLocalDateTime(raw)
        ? raw
        : fail('not an ISO local date-time');
    case 'HiddenList': {
      if (!Array.isArray(raw)) return fail('not a list');
      return raw.map((element, i) => {
        if (typeof element !== 'object' || element === null || Array.isArray(element)) {
          problems.push(`${where}[${i}]: not an object`);
          return null;
        }
        const read: Json = {};
        for (const [field, fieldType] of Object.entries(HIDDEN_DISCREPANCY)) {
          read[field] = readField(
            fieldType,
            (element as Json)[field],
            `${where}[${i}].${field}`,
            problems,
          );
        }
        return read;
      });
    }
  }
}

/** `uuuu-MM-dd`, a real calendar date (Elasticsearch's DateFormatter resolves strictly). */
export function isLocalDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** DateTimeFormatter.ISO_LOCAL_DATE_TIME: date 'T' HH:mm[:ss[.fraction up to 9]], no zone. */
export function isLocalDateTime(text: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?$/.exec(text);
  if (!m || !isLocalDate(m[1])) return false;
  return Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4] ?? 0) < 60;
}
