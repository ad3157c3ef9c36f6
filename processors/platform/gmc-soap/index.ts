// The one module that owns the `soap` package and everything about the GMC web service. The
// fake GMC the demo and the tests talk to is development tooling: dev/fake-gmc/.
export { GmcClient, fetchDoctorsForDesignatedBody } from './client';
export type { FetchOptions, GmcClientOptions } from './client';
export { isoDateFromGmc, MalformedResponseError, readDoctorsForDbResult } from './parse';
export * from './types';
export { GET_DOCTORS_FOR_DB_ACTION, GMC_NAMESPACE, GMC_WSDL } from './wsdl';
