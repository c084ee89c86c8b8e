import { IsDefined } from 'class-validator';
import { IsPostgresUrl, ServiceEnvironment } from '@opsline/platform';

/** The environment of a service with a database: DATABASE_URL is required (the launcher sets it). */
export class DatabaseServiceEnvironment extends ServiceEnvironment {
  @IsDefined({ message: '$property must be set (npm start sets it; or point it at your PostgreSQL)' })
  @IsPostgresUrl()
  declare DATABASE_URL: string;
}
