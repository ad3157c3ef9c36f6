import { loadDevTools } from './dev-tools';

describe('the seam to dev/', () => {
  it('finds dev/index through the path it computes, and its fake GMC answers', async () => {
    const tools = await loadDevTools();
    expect(typeof tools.startDemo).toBe('function');
    const fake = await tools.startFakeGmc({ port: 0, doctorsPerBody: 1, seed: 1 });
    try {
      expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      expect(fake.designatedBodies.length).toBeGreaterThan(0);
    } finally {
      await fake.stop();
    }
  });
});
