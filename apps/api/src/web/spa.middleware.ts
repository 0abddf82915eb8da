import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response, type RequestHandler } from 'express';

/**
 * Serves the built web app: static files with long-lived caching for hashed assets, and
 * index.html for every other browser route so the client router can take over. /api is left alone.
 */
export function spaHandlers(distDir: string): RequestHandler[] {
  const index = join(distDir, 'index.html');
  const statics = express.static(distDir, {
    index: false,
    fallthrough: true,
    setHeaders: (res, path) => {
      res.setHeader(
        'Cache-Control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const fallback = (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path.startsWith('/api') || /\.[a-z0-9]+$/i.test(req.path)) return next();
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built yet: run `npm run build`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  return [
    (req, res, next) => {
      if (req.path.startsWith('/api')) next();
      else void statics(req, res, next);
    },
    fallback,
  ];
}
