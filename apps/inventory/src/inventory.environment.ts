import { DatabaseServiceEnvironment } from '@opsline/service-kit';

/** The inventory service's environment: the platform's variables, on port 3003 by default. */
export class InventoryEnvironment extends DatabaseServiceEnvironment {
  override PORT = 3003;
}
