// The view names, their filters and the atomic swap, as Elasticsearch receives them.
import {
  aliasDefinitions,
  generationIndex,
  generationOf,
  nextGeneration,
  swapActions,
  viewNames,
} from './views';

describe('doctor views', () => {
  const views = viewNames();

  it('has the aliases the Connections screens read, filtered by term and exists queries only', () => {
    expect(aliasDefinitions(views)).toEqual({
      masterdoctorindex: { is_write_index: true },
      connectedindex: { filter: { term: { connectionStatus: 'CONNECTED' } } },
      disconnectedindex: { filter: { term: { connectionStatus: 'DISCONNECTED' } } },
      exceptionindex: { filter: { exists: { field: 'exceptionReasons' } } },
      current_connections: { filter: { exists: { field: 'designatedBody' } } },
      discrepancies: { filter: { exists: { field: 'discrepancy' } } },
    });
  });

  it('prefixes every name so that test runs and stacks can share a cluster', () => {
    const prefixed = viewNames('t42-');
    expect(prefixed.master).toBe('t42-masterdoctorindex');
    expect(prefixed.filtered.current_connections).toBe('t42-current_connections');
    expect(prefixed.indexPattern).toBe('t42-masterdoctorindex-v*');
    expect(generationIndex(prefixed, 3)).toBe('t42-masterdoctorindex-v3');
  });

  it('numbers generations after the highest one present, ignoring other indices', () => {
    expect(nextGeneration(views, [])).toBe(1);
    expect(
      nextGeneration(views, [
        'masterdoctorindex-v2',
        'masterdoctorindex-v10',
        'masterdoctorindex-vold',
        'x-masterdoctorindex-v99',
      ]),
    ).toBe(11);
    expect(generationOf(views, 'masterdoctorindex-v7')).toBe(7);
    expect(generationOf(views, 'masterdoctorindex')).toBeNull();
  });

  it('swaps every alias in one list of actions, each removal required to still be there', () => {
    const actions = swapActions(views, 'masterdoctorindex-v1', 'masterdoctorindex-v2');
    expect(actions).toHaveLength(12);
    expect(actions).toContainEqual({
      remove: { index: 'masterdoctorindex-v1', alias: 'connectedindex', must_exist: true },
    });
    expect(actions).toContainEqual({
      add: {
        index: 'masterdoctorindex-v2',
        alias: 'masterdoctorindex',
        is_write_index: true,
      },
    });
    expect(actions).toContainEqual({
      add: {
        index: 'masterdoctorindex-v2',
        alias: 'discrepancies',
        filter: { exists: { field: 'discrepancy' } },
      },
    });
  });
});
