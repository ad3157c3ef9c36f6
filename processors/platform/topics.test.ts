// The catalogue's create-specs: reval.connection-changes is kept by age, for as long as the
// operator sets, and a bad setting fails naming its variable before anything connects.
import { ConfigError } from './config';
import { DEFAULT_TOPICS, topicSpecs } from './topics';

const changesSpec = (env: Record<string, string>) =>
  topicSpecs({ ...DEFAULT_TOPICS }, ['connectionChanges'], 3, env)[0];

describe('reval.connection-changes retention', () => {
  it('is deleted by age, 400 days unless set, partitioned as reval.connections', () => {
    expect(changesSpec({})).toEqual({
      topic: 'reval.connection-changes',
      compacted: false,
      partitions: 3,
      config: { 'retention.ms': '34560000000' },
    });
  });

  it('takes TOPIC_CONNECTION_CHANGES_RETENTION_MS, or -1 for ever', () => {
    expect(changesSpec({ TOPIC_CONNECTION_CHANGES_RETENTION_MS: '86400000' }).config).toEqual({
      'retention.ms': '86400000',
    });
    expect(changesSpec({ TOPIC_CONNECTION_CHANGES_RETENTION_MS: '-1' }).config).toEqual({
      'retention.ms': '-1',
    });
  });

  it.each(['400d', '0', '-5', '1.5'])('refuses %s, naming the variable', (value) => {
    const read = () => changesSpec({ TOPIC_CONNECTION_CHANGES_RETENTION_MS: value });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/^TOPIC_CONNECTION_CHANGES_RETENTION_MS=/);
  });

  it('leaves the other topics as they were', () => {
    expect(topicSpecs({ ...DEFAULT_TOPICS }, ['connections', 'dlq'], 3, {})).toEqual([
      { topic: 'reval.connections', compacted: true, partitions: 3 },
      { topic: 'reval.dlq', compacted: false, partitions: 1 },
    ]);
  });
});
