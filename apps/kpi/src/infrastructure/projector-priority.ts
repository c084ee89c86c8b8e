import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { setPriority } from 'node:os';
import { KpiEnvironment } from '../kpi.environment';

/** How the process's own scheduling priority is set (`os.setPriority`; replaced in tests). */
export type PrioritySetter = (pid: number, nice: number) => void;

/**
 * A projector yields the CPU to the read-API replicas beside it (`KPI_PROJECTOR_NICE`): on a shared
 * machine an answer should not wait for projection work, which catches up in the API's idle time.
 * The cost is projection throughput whenever other work competes (apps/kpi/README.md, the figures).
 */
export class ProjectorPriority implements OnApplicationBootstrap {
  private readonly logger = new Logger('KpiReadModels');

  constructor(
    private readonly environment: Pick<KpiEnvironment, 'KPI_ROLE' | 'KPI_PROJECTOR_NICE'>,
    private readonly setProcessPriority: PrioritySetter = setPriority,
  ) {}

  onApplicationBootstrap(): void {
    const nice = this.environment.KPI_PROJECTOR_NICE;
    if (this.environment.KPI_ROLE !== 'projector' || nice === 0) return;
    try {
      this.setProcessPriority(0, nice);
      this.logger.log({ msg: 'projecting at a lower CPU priority than the API replicas', nice });
    } catch (error) {
      // e.g. started at a higher nice already: lowering it again needs privileges
      this.logger.warn({ msg: 'could not lower the CPU priority', nice, error: (error as Error).message });
    }
  }
}
