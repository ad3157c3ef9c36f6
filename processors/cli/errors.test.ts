import { ViewNameTakenError } from '../es-sink/bootstrap';
import { RegistryUnavailableError } from '../platform/registry';
import { exitWithError, UserError } from './errors';

describe('how the command line reports an error', () => {
  function report(error: unknown): { code: number; text: string } {
    let text = '';
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      text += String(chunk);
      return true;
    });
    const exit = jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    try {
      exitWithError(error);
    } catch (thrown) {
      return { code: Number(/exit (\d+)/.exec(String(thrown))?.[1]), text };
    } finally {
      stderr.mockRestore();
      exit.mockRestore();
    }
    throw new Error('exitWithError returned');
  }

  it('names the index squatting a view name, without a stack trace', () => {
    const { code, text } = report(new ViewNameTakenError(['recommendations']));
    expect(code).toBe(1);
    expect(text).toMatch(/^reval: recommendations is a concrete index, but the views need/);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('reports a registry outage as unavailable (69), without a stack trace', () => {
    const outage = new RegistryUnavailableError(
      'http://registry:8081',
      new Error('reval-stream - Error, status 400: connect ECONNREFUSED 127.0.0.1:8081'),
    );
    const { code, text } = report(outage);
    expect(code).toBe(69);
    expect(text).toBe(
      'reval: schema registry at http://registry:8081 unavailable: reval-stream - Error, status 400: connect ECONNREFUSED 127.0.0.1:8081\n',
    );
  });

  it("keeps a user error's exit code, and shows a bug's stack", () => {
    expect(report(new UserError('no such doctor', 2)).code).toBe(2);
    const bug = report(new TypeError('x is undefined'));
    expect(bug.code).toBe(1);
    expect(bug.text).toMatch(/\n\s+at /);
  });
});
