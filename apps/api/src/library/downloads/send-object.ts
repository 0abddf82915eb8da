import { pipeline } from 'node:stream/promises';
import { rawResponse, type HttpReply } from '../../common/http.js';
import type { ObjectReply } from './downloads.service.js';

/** Writes an ObjectReply; errors are thrown (the HTTP filter answers them in the error shape). */
export async function sendObject(http: HttpReply, reply: ObjectReply): Promise<void> {
  http.headers(reply.headers);
  if (reply.error) throw reply.error;
  const res = rawResponse(http);
  res.statusCode = reply.status;
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
