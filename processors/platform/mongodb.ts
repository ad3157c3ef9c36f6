// The one module that knows the MongoDB driver. Here that is FerretDB (MongoDB wire
// protocol over SQLite) in tests and the local stack, and MongoDB in production.
import { MongoClient, type Db } from 'mongodb';
import type { MongoConfig } from './config';

export interface MongoConnection {
  db: Db;
  close(): Promise<void>;
}

export async function connectMongo(config: MongoConfig): Promise<MongoConnection> {
  const client = new MongoClient(config.uri, {
    serverSelectionTimeoutMS: 10_000,
    // The options below only apply when set: credentials and TLS may also come in the URI.
    ...(config.tls
      ? {
          tls: true,
          ca: config.tls.ca,
          tlsAllowInvalidCertificates: !config.tls.rejectUnauthorized,
        }
      : {}),
  });
  await client.connect();
  return { db: client.db(config.database), close: () => client.close() };
}

/** Duplicate-key errors tell a guarded upsert that a newer document is already there. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000
  );
}
