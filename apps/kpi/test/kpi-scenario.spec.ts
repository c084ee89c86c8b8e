import { parseCloudEventBytes } from '@opsline/contracts';
import { kpiScenario } from './kpi-scenario';

describe('KPI test fixtures', () => {
  it('emit only events the contract validator accepts, so the medium tests feed what services publish', () => {
    const problems = kpiScenario(20261116, 100)
      .flat()
      .map(({ event }) => ({ event, result: parseCloudEventBytes(Buffer.from(JSON.stringify(event))) }))
      .filter(({ result }) => !result.ok)
      .map(({ event, result }) => ({ type: event.type, id: event.id, result }));
    expect(problems.slice(0, 3)).toEqual([]);
  });
});
