import { loadConfig } from '@tongke/config';
import { createApiApp } from './bootstrap.js';

const config = loadConfig();
const { app } = await createApiApp(config);
await app.listen(config.port, config.host);
