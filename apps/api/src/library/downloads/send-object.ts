import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { ObjectReply } from './downloads.service.js';

/** Writes an ObjectReply; errors are thrown (the HTTP filter answers them in the error shape). */
export async function sendObject(res: Response, reply: ObjectReply): Promise<void> {
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (reply.error) throw reply.error;
  res.status(reply.status);
  if (!reply.body) {
    res.end();
    return;
  }
  try {
    await pipeline(reply.body, res);
  } catch {
    // The client went away, or the store failed mid-stream: the response is cut short (the
    // client sees fewer bytes than Content-Length and resumes with Range).
    res.destroy();
  }
}
