import { runService } from '@opsline/service-kit';
import { ReturnsEnvironment } from './returns.environment';
import { ReturnsModule } from './returns.module';

void runService('returns', ReturnsEnvironment, (environment) => ReturnsModule.forRoot(environment));
