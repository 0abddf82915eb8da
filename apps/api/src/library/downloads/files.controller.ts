import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, type Principal } from '@tongke/auth';
import type { FileLinkDto, FileOutlineDto } from '@tongke/contracts';
import { headerOf, type HttpReply, type HttpRequest } from '../../common/http.js';
import { ResourcesService } from '../resources/resources.service.js';
import { DownloadsService, type ConditionalHeaders } from './downloads.service.js';
import { FileAccessGuard, fileLinkOf, FileLinkService } from './file-links.js';
import { sendObject } from './send-object.js';

export const conditionalHeadersOf = (req: HttpRequest): ConditionalHeaders => ({
  method: req.method,
  range: headerOf(req, 'range'),
  ifNoneMatch: headerOf(req, 'if-none-match'),
  ifRange: headerOf(req, 'if-range'),
  link: fileLinkOf(req),
});

@ApiTags('library')
@ApiBearerAuth()
@Controller('files')
export class FilesController {
  constructor(
    private readonly downloads: DownloadsService,
    private readonly resources: ResourcesService,
    private readonly links: FileLinkService,
  ) {}

  /**
   * A signed link to download the file without the Authorization header (for the browser's own
   * download manager): `{ url, expiresAt }`. Issued only to callers who may read the file (else 404).
   */
  @Post(':id/download-link')
  async downloadLink(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<FileLinkDto> {
    await this.downloads.checkReadable(me, id);
    return this.links.issue(me, id, 'download');
  }

  /** A signed link to the inline preview (a `<video src>` that plays with the browser's range requests). */
  @Post(':id/preview-link')
  async previewLink(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<FileLinkDto> {
    await this.downloads.checkReadable(me, id);
    return this.links.issue(me, id, 'preview');
  }

  /**
   * The file as an attachment; Range (206/416), ETag / If-None-Match (304). Authenticated by the
   * Bearer token or by a `?sig=` link for this file (FileAccessGuard).
   */
  @Get(':id/download')
  @Public()
  @UseGuards(FileAccessGuard)
  @ApiQuery({ name: 'sig', required: false, description: 'a signed link token (download-link)' })
  @ApiProduces('application/octet-stream')
  async download(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: HttpRequest,
    @Res() res: HttpReply,
  ): Promise<void> {
    await sendObject(res, await this.downloads.fileDownload(me, id, conditionalHeadersOf(req)));
  }

  /** Inline, sandboxed: PDF, images, audio, video, text; office files as a LibreOffice PDF where installed. */
  @Get(':id/preview')
  @Public()
  @UseGuards(FileAccessGuard)
  @ApiQuery({ name: 'sig', required: false, description: 'a signed link token (preview-link)' })
  async preview(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: HttpRequest,
    @Res() res: HttpReply,
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
