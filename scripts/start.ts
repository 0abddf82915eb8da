/**
 * `npm start`: the whole product in one process on embedded defaults (or on whatever the
 * environment configures): the API with the web app, and the classroom service. In production
 * the two apps run as separate containers (docker-compose.yml) from their own main.ts.
 */
import { loadConfig, ConfigValidationError } from '@tongke/config';
import { createApiApp } from '../apps/api/src/bootstrap.js';
import { createClassroomApp } from '../apps/classroom/src/bootstrap.js';

let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigValidationError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

// The classroom service first, so the API's health check finds it.
const classroom = await createClassroomApp(config);
await classroom.listen(config.classroomPort, config.host);
const { app, seed } = await createApiApp(config);
await app.listen(config.port, config.host);

const line = '─'.repeat(72);
const out: string[] = [
  '',
  line,
  ` 同课 Tongke is running   ${config.publicUrl}`,
  ` API docs                ${config.publicUrl}/api/docs`,
  ` Health                  ${config.publicUrl}/api/health`,
  ` Classroom (socket.io)   ${config.realtimePublicUrl}`,
  ` Data                    ${config.database.kind === 'embedded' ? `embedded, in ${config.dataDir}` : 'PostgreSQL'}`,
];
if (seed) {
  out.push(
    '',
    ` Demo logins (password for all: ${seed.password})${seed.created ? '' : ' — demo data already present'}`,
  );
  for (const l of seed.logins) out.push(`   ${l.email.padEnd(32)} ${l.purpose}`);
}
out.push(line, '');
console.log(out.join('\n'));
