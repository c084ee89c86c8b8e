import { IsIntInRange } from '@opsline/platform';
import { DatabaseServiceEnvironment } from '@opsline/service-kit';
import { Type } from 'class-transformer';

/** The inventory service's environment: the platform's variables, on port 3003 by default. */
export class InventoryEnvironment extends DatabaseServiceEnvironment {
  override PORT = 3003;

  /** Scheduled check of positions against the stock ledger, this far apart; 0 disables (default 1 h). */
  @Type(() => Number)
  @IsIntInRange(0, 7 * 24 * 3_600_000)
  INVENTORY_RECONCILIATION_INTERVAL_MS = 3_600_000;
}
