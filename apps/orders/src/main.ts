import { runService } from '@opsline/service-kit';
import { OrdersEnvironment } from './orders.environment';
import { OrdersModule } from './orders.module';

void runService('orders', OrdersEnvironment, (environment) => OrdersModule.forRoot(environment));
