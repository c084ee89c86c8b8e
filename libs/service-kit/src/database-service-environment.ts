import { Type } from 'class-transformer';
import { IsDefined } from 'class-validator';
import { IsIntInRange, IsPostgresUrl, ServiceEnvironment } from '@opsline/platform';

/** The environment of a service with a database: DATABASE_URL is required (the launcher sets it). */
export class DatabaseServiceEnvironment extends ServiceEnvironment {
  @IsDefined({ message: '$property must be set (npm start sets it; or point it at your PostgreSQL)' })
  @IsPostgresUrl()
  declare DATABASE_URL: string;

  /**
   * How long the inbox remembers an applied event id, so a redelivery has no second effect; older
   * rows are deleted (default 168 h = 7 days). A consumer group reset to offsets older than this
   * applies those events again.
   */
  @Type(() => Number)
  @IsIntInRange(1, 24 * 3_650)
  INBOX_RETENTION_HOURS = 168;
}
