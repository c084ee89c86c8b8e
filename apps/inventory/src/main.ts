import { runService } from '@opsline/service-kit';
import { InventoryEnvironment } from './inventory.environment';
import { InventoryModule } from './inventory.module';

void runService('inventory', InventoryEnvironment, (environment) => InventoryModule.forRoot(environment));
