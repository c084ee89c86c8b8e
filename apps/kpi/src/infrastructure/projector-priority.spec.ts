import { KpiRole } from '../kpi.environment';
import { ProjectorPriority } from './projector-priority';

function bootstrap(role: KpiRole, nice: number, fails = false): [number, number][] {
  const calls: [number, number][] = [];
  new ProjectorPriority({ KPI_ROLE: role, KPI_PROJECTOR_NICE: nice }, (pid, value) => {
    if (fails) throw new Error('EACCES');
    calls.push([pid, value]);
  }).onApplicationBootstrap();
  return calls;
}

describe('ProjectorPriority', () => {
  it('lowers the priority of this process (pid 0) to KPI_PROJECTOR_NICE in the projector role', () => {
    expect(bootstrap('projector', 10)).toEqual([[0, 10]]);
    expect(bootstrap('projector', 19)).toEqual([[0, 19]]);
  });

  it('leaves it alone in the other roles, or when the setting is 0', () => {
    expect(bootstrap('all', 10)).toEqual([]);
    expect(bootstrap('api', 10)).toEqual([]);
    expect(bootstrap('projector', 0)).toEqual([]);
  });

  it('starts anyway when the system refuses', () => {
    expect(() => bootstrap('projector', 10, true)).not.toThrow();
  });
});
