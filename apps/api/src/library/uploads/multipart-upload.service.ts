import { Injectable } from '@nestjs/common';
import type { Principal } from '@tongke/auth';
import type { ResourceFileDto } from '@tongke/contracts';
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { HttpReply } from '../../common/http.js';
import { LibraryErrors } from '../library.errors.js';
import { FileIngestService } from './file-ingest.service.js';

/**
 * `POST /api/resources/:id/files`: one file as multipart/form-data (part name "file"), streamed
 * through busboy straight into the same pipeline as tus uploads — for small files and simple
 * clients; large files should use the resumable endpoint.
 */
@Injectable()
export class MultipartUploadService {
  constructor(private readonly ingest: FileIngestService) {}

  async upload(
    p: Principal,
    resourceId: string,
    versionId: string | undefined,
    req: IncomingMessage,
    reply: HttpReply,
  ): Promise<ResourceFileDto> {
    if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? ''))
      throw LibraryErrors.multipartRequired();
    const target = { resourceId, versionId: versionId ?? null };
    await this.ingest.checkTarget(p, target);
    try {
      return await new Promise<ResourceFileDto>((resolve, reject) => {
        let parser: busboy.Busboy;
        try {
          parser = busboy({
            headers: req.headers,
            // Browsers send UTF-8 file names; busboy's default would read them as Latin-1.
            defParamCharset: 'utf8',
            limits: { files: 1, fields: 10, parts: 12, fieldSize: 4096 },
          });
        } catch {
          reject(LibraryErrors.multipartRequired());
          return;
        }
        let started = false;
        parser.on('file', (name, stream, info) => {
          if (name !== 'file' || started) {
            stream.resume();
            return;
          }
          started = true;
          this.ingest.ingest(p, target, info.filename ?? 'file', stream).then((r) => resolve(r.file), reject);
        });
        parser.on('error', (err: unknown) =>
          reject(started && err instanceof Error ? err : LibraryErrors.multipartRequired()),
        );
        parser.on('close', () => {
          if (!started) reject(LibraryErrors.multipartRequired());
        });
        req.on('aborted', () => reject(LibraryErrors.multipartRequired()));
        req.pipe(parser);
      });
    } catch (err) {
      // Stop reading a body we refused (e.g. too large or the wrong type); close the connection.
      req.unpipe();
      reply.header('Connection', 'close');
      throw err;
    }
  }
}
