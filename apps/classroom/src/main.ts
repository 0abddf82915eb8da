import { loadConfig } from '@tongke/config';
import { createClassroomApp } from './bootstrap.js';

const config = loadConfig();
const app = await createClassroomApp(config);
await app.listen(config.classroomPort, config.host);
