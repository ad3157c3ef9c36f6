import { namesDoctor } from './dead-letters';

describe('which dead letters name a doctor', () => {
  it('finds the GMC number as a whole token in any text, Avro bytes included', () => {
    expect(namesDoctor('{"gmcNumber":"7000001"}', '7000001', [], false)).toBe(true);
    expect(namesDoctor('\u0002\u000e7000001\u0000', '7000001', [], false)).toBe(true);
    expect(namesDoctor('{"gmcNumber":"17000001"}', '7000001', [], false)).toBe(false);
    expect(namesDoctor('{"gmcNumber":"70000012"}', '7000001', [], false)).toBe(false);
  });

  it('finds a TIS row by its personId, and a person-keyed row by its id', () => {
    const placement = '{"after":{"id":77,"personId":9,"dateFrom":"yesterday"}}';
    expect(namesDoctor(placement, '7000001', ['9'], false)).toBe(true);
    expect(namesDoctor(placement, '7000001', ['7'], false)).toBe(false);
    expect(namesDoctor(placement, '7000001', ['77'], false)).toBe(false);
    expect(namesDoctor('{"after":{"id":77,"traineeId":9}}', '7000001', ['9'], false)).toBe(true);
    expect(namesDoctor('{"id":9}\n{"after":{"id":9,"role":3}}', '7000001', ['9'], true)).toBe(true);
    expect(namesDoctor('{"id":9}', '7000001', ['9'], false)).toBe(false);
    expect(namesDoctor('{"id":90}', '7000001', ['9'], true)).toBe(false);
  });
});
