import type { HealthIndicatorFunction } from '@nestjs/terminus';

/**
 * The list of checks `/health/ready` runs. The platform adds Kafka and, when a DataSource is
 * registered, the database; other libs may add theirs (e.g. "consumer group joined") at init.
 */
export class ReadinessChecks {
  private readonly checks = new Map<string, HealthIndicatorFunction>();

  /** Adds (or replaces) the check named `name`. */
  add(name: string, check: HealthIndicatorFunction): void {
    this.checks.set(name, check);
  }

  /** The checks, in the order they were added. */
  all(): HealthIndicatorFunction[] {
    return [...this.checks.values()];
  }
}
