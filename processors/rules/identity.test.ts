import { gmcNumberProblem, isDummyOrPlaceholderRole, isValidGmcNumber } from './identity';

describe('GMC reference numbers (section 3)', () => {
  test.each([
    ['7000001', null],
    ['UNKNOWN', 'placeholder'],
    ['unknown', 'placeholder'],
    ['Na', 'placeholder'],
    ['n/a', 'placeholder'],
    [' N/A ', 'placeholder'],
    ['7000001\u00a0', 'non-breaking space'],
    ['', 'missing'],
    ['   ', 'missing'],
    [null, 'missing'],
    [undefined, 'missing'],
    ['nat', null],
  ])('%j → %s', (gmcNumber, problem) => {
    expect(gmcNumberProblem(gmcNumber)).toBe(problem);
    expect(isValidGmcNumber(gmcNumber)).toBe(problem === null);
  });
});

describe('dummy and placeholder roles (section 3)', () => {
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
