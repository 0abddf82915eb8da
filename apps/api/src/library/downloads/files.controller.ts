import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '@tongke/auth';
import type { FileOutlineDto } from '@tongke/contracts';
import type { Request, Response } from 'express';
import { ResourcesService } from '../resources/resources.service.js';
import { DownloadsService, type ConditionalHeaders } from './downloads.service.js';
import { sendObject } from './send-object.js';

export const conditionalHeadersOf = (req: Request): ConditionalHeaders => ({
  method: req.method,
  range: req.header('range'),
  ifNoneMatch: req.header('if-none-match'),
  ifRange: req.header('if-range'),
});

@ApiTags('library')
@ApiBearerAuth()
@Controller('files')
export class FilesController {
  constructor(
    private readonly downloads: DownloadsService,
    private readonly resources: ResourcesService,
  ) {}

  /** The file as an attachment; Range (206/416), ETag / If-None-Match (304). */
  @Get(':id/download')
  @ApiProduces('application/octet-stream')
  async download(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await sendObject(res, await this.downloads.fileDownload(me, id, conditionalHeadersOf(req)));
  }

  /** Inline, sandboxed: PDF, images, audio, video, text; office files as a LibreOffice PDF where installed. */
  @Get(':id/preview')
  async preview(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await sendObject(res, await this.downloads.filePreview(me, id, conditionalHeadersOf(req)));
  }

  /** The extracted outline and text (office files, PDFs, text). */
  @Get(':id/outline')
  outline(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<FileOutlineDto> {
    return this.downloads.outline(me, id);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.resources.removeFile(me, id);
  }
}
