import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { TokenService, bearerPrincipal, type Principal } from '@tongke/auth';
import { AppError } from '@tongke/common';
import type { FileLinkDto, UserRole } from '@tongke/contracts';
import { pathOf, type HttpRequest } from '../../common/http.js';

/** What a signed link is for: the attachment (`/download`) or the inline preview (`/preview`). */
export type FileLinkUse = 'download' | 'preview';

const TOKEN_TYPE: Record<FileLinkUse, string> = { download: 'file-download', preview: 'file-preview' };

/** A new download or preview must start within this long after the link was issued. */
export const FILE_LINK_START_SECONDS = 5 * 60;
/**
 * A download or video that started in time may go on with range requests from a later byte (a
 * browser's download manager resuming, a video buffering after a pause) until this long after
 * issue: a 600 MB video over a few hundred kbit/s takes hours.
 */
export const FILE_LINK_RESUME_SECONDS = 6 * 60 * 60;

interface FileLinkClaims {
  sub: string;
  fid: string;
  jti: string;
  /** Start-by time (epoch seconds): after it, only resumes of a started download are served. */
  sb: number;
  role: UserRole;
  rid: string | null;
  sid: string | null;
  mt: boolean;
  name: string;
}

/** A verified link, as the download route sees it. */
export interface FileLink {
  fileId: string;
  /** One id per issued link: a download or preview is counted once per link. */
  linkId: string;
  /** Past the start-by time: only a Range from a byte > 0 (going on with what it started) is served. */
  resumeOnly: boolean;
}

export const FileLinkErrors = {
  invalid: () =>
    new AppError(
      'LIBRARY_LINK_INVALID',
      401,
      'This download link is invalid or has expired; open the file again to get a new link',
    ),
  expired: () =>
    new AppError(
      'LIBRARY_LINK_EXPIRED',
      401,
      'This download link has expired; open the file again to get a new link',
    ),
  otherFile: () => new AppError('LIBRARY_LINK_WRONG_FILE', 403, 'This link is for another file'),
};

/** The query parameter that carries the signed token. */
export const FILE_LINK_PARAM = 'sig';

/**
 * Short-lived signed links to one file (TokenService `signTyped`), so the browser can stream a
 * large download to disk or play a video with its own range requests instead of the page
 * fetching the file into memory with the access token in a header. The caller's access is
 * checked when the link is issued (the controller loads the file first) and again when it is used.
 */
@Injectable()
export class FileLinkService {
  constructor(private readonly tokens: TokenService) {}

  issue(p: Principal, fileId: string, use: FileLinkUse, now = Date.now()): FileLinkDto {
    const issuedAt = Math.floor(now / 1000);
    const claims: FileLinkClaims = {
      sub: p.userId,
      fid: fileId,
      jti: this.tokens.newOpaqueSecret(12),
      sb: issuedAt + FILE_LINK_START_SECONDS,
      role: p.role,
      rid: p.regionId,
      sid: p.schoolId,
      mt: p.isMasterTeacher,
      name: p.displayName,
    };
    const token = this.tokens.signTyped(TOKEN_TYPE[use], claims, FILE_LINK_RESUME_SECONDS);
    return {
      url: `/api/files/${fileId}/${use}?${FILE_LINK_PARAM}=${token}`,
      expiresAt: new Date(claims.sb * 1000).toISOString(),
    };
  }

  /** The link's principal and file; throws 401 for a forged or expired token, 403 for another file. */
  verify(token: string, fileId: string, use: FileLinkUse): { principal: Principal; link: FileLink } {
    const c = this.tokens.verifyTyped<FileLinkClaims>(TOKEN_TYPE[use], token);
    if (!c || typeof c.sub !== 'string' || typeof c.fid !== 'string' || typeof c.sb !== 'number')
      throw FileLinkErrors.invalid();
    if (c.fid !== fileId) throw FileLinkErrors.otherFile();
    return {
      principal: {
        userId: c.sub,
        role: c.role,
        regionId: c.rid,
        schoolId: c.sid,
        isMasterTeacher: c.mt,
        displayName: c.name,
      },
      link: { fileId: c.fid, linkId: c.jti, resumeOnly: Date.now() / 1000 > c.sb },
    };
  }
}

type LinkedRequest = HttpRequest & { principal?: Principal; fileLink?: FileLink };

/**
 * On `/api/files/:id/download` and `/preview` (marked @Public so the global guard lets them
 * through): a `?sig=` link authenticates for that one file, otherwise the usual Bearer access token
 * is required. Either way a principal rides on the request and the service checks access again.
 */
@Injectable()
export class FileAccessGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly links: FileLinkService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<LinkedRequest>();
    const sig = (req.query as Record<string, unknown>)[FILE_LINK_PARAM];
    if (sig !== undefined) {
      if (typeof sig !== 'string' || sig === '') throw FileLinkErrors.invalid();
      const use: FileLinkUse = pathOf(req).endsWith('/preview') ? 'preview' : 'download';
      const { principal, link } = this.links.verify(sig, String((req.params as { id?: string }).id), use);
      req.principal = principal;
      req.fileLink = link;
      return true;
    }
    // No link: the same bearer check as every other route.
    req.principal = bearerPrincipal(this.tokens, req.headers.authorization);
    return true;
  }
}

export const fileLinkOf = (req: HttpRequest): FileLink | undefined => (req as LinkedRequest).fileLink;
