// The view names, their filters and the atomic swap, as Elasticsearch receives them.
import {
  aliasDefinitions,
  generationIndex,
  generationOf,
  nextGeneration,
  legacyViewNames,
  swapActions,
  viewNames,
} from './views';

describe('doctor views', () => {
  const views = viewNames();

  it('has its own aliases, apart from the legacy names, filtered by term and exists queries only', () => {
    expect(aliasDefinitions(views)).toEqual({
      'reval-doctors': { is_write_index: true },
      'reval-connected': { filter: { term: { connectionStatus: 'CONNECTED' } } },
      'reval-disconnected': { filter: { term: { connectionStatus: 'DISCONNECTED' } } },
      'reval-exceptions': { filter: { exists: { field: 'exceptionReasons' } } },
      'reval-connected-in-gmc': { filter: { exists: { field: 'designatedBody' } } },
      'reval-discrepancies': { filter: { exists: { field: 'discrepancy' } } },
    });
  });

  it('has the names the old services read, over the legacy projection', () => {
    expect(aliasDefinitions(legacyViewNames())).toEqual({
      masterdoctorindex: { is_write_index: true },
      current_connections: { filter: { term: { existsInGmc: true } } },
      discrepancies: { filter: { exists: { field: 'discrepancy' } } },
      recommendations: {},
    });
  });

  it('shares no name between the two sets, generations included', () => {
    const own = [...Object.keys(aliasDefinitions(views)), views.indexPattern];
    const legacy = legacyViewNames();
    for (const name of own) expect(Object.keys(aliasDefinitions(legacy))).not.toContain(name);
    expect(generationOf(legacy, generationIndex(views, 1))).toBeNull();
    expect(generationOf(views, generationIndex(legacy, 1))).toBeNull();
  });

  it('prefixes every name so that test runs and stacks can share a cluster', () => {
    const prefixed = viewNames('t42-');
    expect(prefixed.master).toBe('t42-reval-doctors');
    expect(prefixed.filtered.connectedInGmc).toBe('t42-reval-connected-in-gmc');
    expect(prefixed.indexPattern).toBe('t42-reval-doctors-v*');
    expect(generationIndex(prefixed, 3)).toBe('t42-reval-doctors-v3');
    expect(legacyViewNames('t42-').filtered.recommendations).toBe('t42-recommendations');
  });

  it('numbers generations after the highest one present, ignoring other indices', () => {
    expect(nextGeneration(views, [])).toBe(1);
    expect(
      nextGeneration(views, [
        'reval-doctors-v2',
        'reval-doctors-v10',
        'reval-doctors-vold',
        'x-reval-doctors-v99',
        'masterdoctorindex-v40',
      ]),
    ).toBe(11);
    expect(generationOf(views, 'reval-doctors-v7')).toBe(7);
    expect(generationOf(views, 'reval-doctors')).toBeNull();
  });

  it('swaps every alias in one list of actions, each removal required to still be there', () => {
    const actions = swapActions(views, 'reval-doctors-v1', 'reval-doctors-v2');
    expect(actions).toHaveLength(12);
    expect(actions).toContainEqual({
      remove: { index: 'reval-doctors-v1', alias: 'reval-connected', must_exist: true },
    });
    expect(actions).toContainEqual({
      add: { index: 'reval-doctors-v2', alias: 'reval-doctors', is_write_index: true },
    });
    expect(actions).toContainEqual({
      add: {
        index: 'reval-doctors-v2',
        alias: 'reval-discrepancies',
        filter: { exists: { field: 'discrepancy' } },
      },
    });
  });
});
