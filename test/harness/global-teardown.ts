// Jest global teardown: stops only what global setup started (containers, or the native
// services it brought up), leaving alone a stack that was running before the tests.
import type { HarnessState } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const state: HarnessState | undefined = globalThis.__revalHarness;
  globalThis.__revalHarness = undefined;
  if (!state?.stop) return;
  process.stderr.write('[reval tests] stopping the services the tests started\n');
  await state.stop();
}
