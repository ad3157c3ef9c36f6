import { bearerTokenMatches } from './bearer-token';

const TOKEN = 'a-long-query-token-0123456789';

describe('bearerTokenMatches', () => {
  it('accepts exactly the token as a bearer credential', () => {
    expect(bearerTokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerTokenMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Basic ${TOKEN}`],
    ['the bare token', TOKEN],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token with more after it', `Bearer ${TOKEN}x`],
    ['two credentials', `Bearer ${TOKEN} ${TOKEN}`],
    ['a wrong token of the same length', `Bearer ${TOKEN.replace('a', 'b')}`],
  ])('refuses %s', (_case, header) => {
    expect(bearerTokenMatches(header, TOKEN)).toBe(false);
  });
});
