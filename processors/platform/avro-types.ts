// Avro logical types as the project holds them in memory: calendar dates as 'YYYY-MM-DD'
// strings (no time zone can shift them) and instants as Date. avsc leaves logical types to
// the application; these are passed to every schema the project parses.
import * as avro from 'avsc';

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isoDateToEpochDays(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

export function epochDaysToIsoDate(days: number): string {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
}

class DateType extends avro.types.LogicalType {
  protected override _fromValue(days: number): string {
    return epochDaysToIsoDate(days);
  }
  protected override _toValue(value: unknown): number | undefined {
    if (typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))) {
      return isoDateToEpochDays(value);
    }
    // Undefined makes avsc report the field as invalid instead of writing garbage.
    return undefined;
  }
  protected override _resolve(type: avro.Type) {
    if (avro.Type.isType(type, 'int', 'logical:date'))
      return (v: unknown) => this._fromValue(v as number);
    return undefined;
  }
}

class TimestampMillisType extends avro.types.LogicalType {
  protected override _fromValue(millis: number): Date {
    return new Date(millis);
  }
  protected override _toValue(value: unknown): number | undefined {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
    return undefined;
  }
  protected override _resolve(type: avro.Type) {
    if (avro.Type.isType(type, 'long', 'int', 'logical:timestamp-millis')) {
      return (v: unknown) => this._fromValue(v as number);
    }
    return undefined;
  }
}

export const logicalTypes = {
  date: DateType,
  'timestamp-millis': TimestampMillisType,
} as unknown as Record<string, new (schema: avro.Schema, opts?: unknown) => avro.types.LogicalType>;

export function parseAvroSchema(schema: avro.Schema): avro.Type {
  return avro.Type.forSchema(schema, { logicalTypes, wrapUnions: false });
}
