import { gmcNumberOf, gmcNumberProblem, isDummyOrPlaceholderRole } from './identity';

describe('GMC reference numbers (docs/rules.md §3)', () => {
  test.each([
    ['7000001', null, '7000001'],
    [' 7000001\t', null, '7000001'],
    ['\r\n7000001 ', null, '7000001'],
    ['nat', null, 'nat'],
    ['UNKNOWN', 'placeholder', undefined],
    ['unknown', 'placeholder', undefined],
    ['Na', 'placeholder', undefined],
    ['n/a', 'placeholder', undefined],
    [' N/A ', 'placeholder', undefined],
    // JavaScript's trim() strips these; the identity function must refuse them instead.
    ['7000001\u00a0', 'non-breaking space', undefined],
    ['\u00a07000001', 'non-breaking space', undefined],
    ['700\u00a00001', 'non-breaking space', undefined],
    ['7000001\u202f', 'non-breaking space', undefined],
    ['7000001\u2007', 'non-breaking space', undefined],
    ['\ufeff7000001', 'non-breaking space', undefined],
    ['\u00a0', 'non-breaking space', undefined],
    ['', 'missing', undefined],
    ['   ', 'missing', undefined],
    [null, 'missing', undefined],
    [undefined, 'missing', undefined],
  ])('%j → %s', (raw, problem, gmcNumber) => {
    expect(gmcNumberProblem(raw)).toBe(problem);
    const verdict = gmcNumberOf(raw);
    expect(verdict.ok ? verdict.value : undefined).toBe(gmcNumber);
  });
});

describe('dummy and placeholder roles (docs/rules.md §3)', () => {
  test.each([
    ['DR in Training', false],
    [null, false],
    ['Dummy Record', true],
    ['DUMMY', true],
    ['DR in Training,Placeholder', true],
    ['placeholder', true],
  ])('%j → %s', (role, ignored) => {
    expect(isDummyOrPlaceholderRole(role)).toBe(ignored);
  });
});
