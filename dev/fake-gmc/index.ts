// dev/fake-gmc/: a fake GMC web service (GetDoctorsForDB over SOAP, behind the project's own
// WSDL) with seeded synthetic doctors per designated body and faults injected per body. It is
// development tooling, not part of a processor: the demo (`npm start` with no configuration),
// `reval fake-gmc`, the GMC tests and the benchmarks talk to it instead of the real service.
// The real client it answers lives in processors/platform/gmc-soap/; nothing in processors/
// imports this folder (eslint.config.mjs), the CLI reaches it through processors/cli/dev-tools.ts.
export {
  CONTROL_PATH,
  ENGLISH_AND_NI_DESIGNATED_BODIES,
  FakeGmc,
  SERVICE_PATH,
  STATE_PATH,
  type FakeGmcOptions,
} from './server';
export type { GmcFault } from './faults';
export {
  seededRandom,
  syntheticDoctor,
  syntheticGmcNumber,
  syntheticList,
  type GmcWireDoctor,
} from './synthetic';
