// The one module that owns the `soap` package and everything about the GMC web service.
export { GmcClient, fetchDoctorsForDesignatedBody } from './client';
export type { FetchOptions, GmcClientOptions } from './client';
export { isoDateFromGmc, MalformedResponseError, readDoctorsForDbResult } from './parse';
export * from './types';
export { GET_DOCTORS_FOR_DB_ACTION, GMC_NAMESPACE, GMC_WSDL } from './wsdl';
export { FakeGmc, ENGLISH_AND_NI_DESIGNATED_BODIES } from './fake/server';
export type { FakeGmcOptions } from './fake/server';
export type { GmcFault } from './fake/faults';
export type { GmcWireDoctor } from './fake/synthetic';
