import { parseConnectJson } from './decode';

describe('parseConnectJson: JSON.parse with the wrapper schema cached', () => {
  const schema = {
    type: 'struct',
    fields: [{ type: 'string', optional: true, field: 'payload' }],
    name: 'x.Envelope',
  };
  const cases: [string, string][] = [
    [
      'a schema/payload wrapper',
      JSON.stringify({ schema, payload: { op: 'c', after: { id: 1 } } }),
    ],
    [
      'a payload that has its own "payload" key',
      JSON.stringify({ schema, payload: { after: { payload: 'x', id: 2 } } }),
    ],
    ['a tombstone-like null payload', JSON.stringify({ schema: null, payload: null })],
    ['a schemaless value', JSON.stringify({ op: 'u', after: { id: 3 } })],
    ['pretty-printed text', JSON.stringify({ schema, payload: { id: 4 } }, null, 2)],
  ];

  it.each(cases)('%s reads as JSON.parse reads it', (_, text) => {
    expect(parseConnectJson(text)).toEqual(JSON.parse(text));
  });

  it('reuses one parsed schema for messages that repeat it', () => {
    const first = parseConnectJson(JSON.stringify({ schema, payload: { id: 1 } })) as {
      schema: unknown;
    };
    const second = parseConnectJson(JSON.stringify({ schema, payload: { id: 2 } })) as {
      schema: unknown;
    };
    expect(second.schema).toBe(first.schema);
  });

  it('rejects malformed text like JSON.parse does', () => {
    expect(() => parseConnectJson('{"schema":{"type":"struct"},"payload":{')).toThrow(SyntaxError);
    expect(() => parseConnectJson('{"schema":')).toThrow(SyntaxError);
  });
});
