import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pathOf } from '../common/http.js';

/**
 * Serves the built web app: static files with long-lived caching for hashed assets, and
 * index.html for every other browser route so the client router can take over. /api is left alone.
 */
export async function serveWebApp(app: NestFastifyApplication, distDir: string): Promise<void> {
  if (existsSync(distDir)) {
    // One route per built file (the build does not change under a running server).
    await app.register(fastifyStatic, {
      root: distDir,
      prefix: '/',
      index: false,
      wildcard: false,
      decorateReply: false,
      cacheControl: false,
      setHeaders: (res, path) => {
        res.header(
          'Cache-Control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  const index = join(distDir, 'index.html');
  // Read once it exists (a browser route must not cost a disk read); until then, say so.
  let indexHtml: Buffer | undefined;
  const indexPage = (): Buffer | undefined =>
    (indexHtml ??= existsSync(index) ? readFileSync(index) : undefined);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req, reply, done) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return done();
      const path = pathOf(req);
      if (path.startsWith('/api') || /\.[a-z0-9]+$/i.test(path)) return done();
      const html = indexPage();
      if (html === undefined) {
        void reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The web app is not built yet: run `npm run build`.');
        return;
      }
      void reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(html);
    });
}
