import { DatabaseServiceEnvironment } from '@opsline/service-kit';

/** The orders service's environment: the platform's variables, on port 3001 by default. */
export class OrdersEnvironment extends DatabaseServiceEnvironment {
  override PORT = 3001;
}
