import designatedBodyTable from './designated-bodies.json';
import {
  buildDesignatedBodyMap,
  designatedBodyForOwner,
  DesignatedBodyTableError,
  displayOwner,
} from './designated-body';

const map = buildDesignatedBodyMap(designatedBodyTable);

describe('programme owner → designated body', () => {
  test('the built-in table holds the 14 designated bodies of docs/rules.md §2.3', () => {
    expect(Object.keys(designatedBodyTable)).toHaveLength(14);
    expect(map.codeByOwner.size).toBe(14);
  });

  test.each<[string | null, string | null, string]>([
    ['Yorkshire and the Humber', '1-1RSG4X0', 'as in the table'],
    ['Health Education England Yorkshire and the Humber', '1-1RSG4X0', 'legacy prefix'],
    ['health education england yorkshire and the humber', '1-1RSG4X0', 'legacy prefix, any case'],
    ['  Yorkshire  and The Humber ', '1-1RSG4X0', 'spacing and case'],
    ['Northern Ireland Medical and Dental Training Agency', '1-25U-830', 'NIMDTA'],
    ['North West', '1-1RSSQ2H', 'not confused with North West London'],
    ['North West London', '1-1RUZV6H', 'not confused with North West'],
    ['Health Education England', null, 'the prefix alone'],
    [
      'Health Education England Health Education England Wessex',
      null,
      'the prefix is stripped once',
    ],
    ['Mars', null, 'unknown owner'],
    ['', null, 'blank owner'],
    [null, null, 'no owner'],
  ])('%j → %s (%s)', (owner, code) => {
    expect(designatedBodyForOwner(owner, map)).toBe(code);
  });

  test('an owner under two designated bodies is refused', () => {
    expect(() =>
      buildDesignatedBodyMap({ '1-A': ['Wessex'], '1-B': ['Health Education England WESSEX'] }),
    ).toThrow(
      new DesignatedBodyTableError(
        'programme owner "Health Education England WESSEX" is listed under both 1-A and 1-B',
      ),
    );
  });

  test('a blank owner in the table is refused', () => {
    expect(() => buildDesignatedBodyMap({ '1-A': [' '] })).toThrow(DesignatedBodyTableError);
  });

  test('a blank designated body code in the table is refused; a code is read trimmed', () => {
    expect(() => buildDesignatedBodyMap({ ' ': ['Wessex'] })).toThrow(
      new DesignatedBodyTableError('a blank designated body code lists Wessex'),
    );
    const padded = buildDesignatedBodyMap({ ' 1-A\t': ['Wessex'] });
    expect(designatedBodyForOwner('Wessex', padded)).toBe('1-A');
  });

  test('owners display without the legacy prefix, keeping their case', () => {
    expect(displayOwner('Health Education England Thames Valley')).toBe('Thames Valley');
    expect(displayOwner(' Thames  Valley ')).toBe('Thames Valley');
    expect(displayOwner('  ')).toBeNull();
    expect(displayOwner(null)).toBeNull();
  });
});
