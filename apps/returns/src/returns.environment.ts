import { DatabaseServiceEnvironment } from '@opsline/service-kit';

/** The returns service's environment: the platform's variables, on port 3002 by default. */
export class ReturnsEnvironment extends DatabaseServiceEnvironment {
  override PORT = 3002;
}
