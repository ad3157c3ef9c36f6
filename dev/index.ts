// dev/: development tooling, kept out of the product tree (processors/) so that no processor
// imports test or demo code:
//   - fake-gmc/    a fake GMC web service (SOAP) with seeded doctors and injectable faults;
//   - population/  a synthetic population of doctors and the events the sources send for it;
//   - debezium/    a faithful Debezium event factory (the bytes the connectors send);
//   - demo/        the demo `npm start` runs when no service is configured.
// Tests and benchmarks import these folders directly. The CLI (`reval start`, `reval
// fake-gmc`) reaches them only through this file, which processors/cli/dev-tools.ts loads with
// a dynamic import of a path computed at run time; the types it implements are declared there.
// The build compiles dev/ into dist/dev/ so that `npm start` runs the demo.
import type { DevTools } from '../processors/cli/dev-tools';
import { startDemo } from './demo';
import { ENGLISH_AND_NI_DESIGNATED_BODIES, FakeGmc } from './fake-gmc';

export const devTools: DevTools = {
  startDemo,
  async startFakeGmc(options) {
    const designatedBodies = options.designatedBodies ?? ENGLISH_AND_NI_DESIGNATED_BODIES;
    const fake = await FakeGmc.start({ ...options, designatedBodies });
    return { url: fake.url, designatedBodies, stop: () => fake.stop() };
  },
};
