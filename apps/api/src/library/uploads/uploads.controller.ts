import { All, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '@tongke/auth';
import type { UploadSessionDto } from '@tongke/contracts';
import { rawResponse, type HttpReply, type HttpRequest } from '../../common/http.js';
import { TusUploadService } from './tus-upload.service.js';

/**
 * Resumable uploads (tus 1.0: creation, creation-with-upload, creation-defer-length, termination,
 * expiration). POST /api/uploads with Upload-Length and Upload-Metadata `resourceId`, `filename`
 * (optional `versionId`); PATCH the bytes; HEAD tells the offset to resume from. GET
 * /api/uploads/:id says how the upload ended (and the stored file's id).
 */
@ApiTags('uploads')
@ApiBearerAuth()
@Controller('uploads')
export class UploadsController {
  constructor(private readonly tus: TusUploadService) {}

  @All()
  @ApiExcludeEndpoint()
  create(@CurrentUser() me: Principal, @Req() req: HttpRequest, @Res() reply: HttpReply): Promise<void> {
    return this.tus.handle(me, req.raw, rawResponse(reply));
  }

  /**
   * HEAD/PATCH/DELETE go to tus; GET answers how the upload stands (UploadSessionDto). One
   * handler, because HEAD would otherwise be routed to a GET route declared on the same path.
   */
  @All(':id')
  @ApiOkResponse({ description: 'GET: the upload session (UploadSessionDto)' })
  async upload(
    @CurrentUser() me: Principal,
    @Param('id') id: string,
    @Req() req: HttpRequest,
    @Res() reply: HttpReply,
  ): Promise<void> {
    if (req.method === 'GET') {
      const status: UploadSessionDto = await this.tus.status(me, id);
      void reply.header('Cache-Control', 'no-store').send(status);
      return;
    }
    await this.tus.handle(me, req.raw, rawResponse(reply));
  }
}
