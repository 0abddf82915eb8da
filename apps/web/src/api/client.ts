import type {
  AcceptInviteRequest,
  ChangePasswordRequest,
  ClassroomDto,
  ClientConfig,
  CreateClassroomRequest,
  CreateInviteRequest,
  CreatePairingRequest,
  ErrorResponse,
  HealthResponse,
  InviteDto,
  CancelLessonRequest,
  CreateLessonRequest,
  CreateLessonSeriesRequest,
  LessonAttendanceDto,
  LessonDto,
  LessonJoinTokenRequest,
  LessonJoinTokenResponse,
  LessonRecordDto,
  LessonSeriesDto,
  LessonTimelinePage,
  LoginResponse,
  MaterialRef,
  PairingDto,
  PairingTeacherDto,
  PairingStatus,
  RegionDto,
  ResourceDto,
  CreateResourceRequest,
  CreateVersionRequest,
  CreateLessonPackRequest,
  FileLinkDto,
  FileOutlineDto,
  LessonPackDto,
  NotificationDto,
  ResourceListQuery,
  ResourcePageDto,
  ResourceVersionDto,
  ResourceVisibility,
  ReviewEventDto,
  UpdateLessonPackRequest,
  UpdateResourceRequest,
  SearchRequest,
  SearchResponseDto,
  SearchSuggestResponse,
  SchoolDto,
  SchoolLocale,
  UpdateSchoolRequest,
  UpdateTeacherRequest,
  UserDto,
} from '@tongke/contracts';

/** An error the API answered with (or a network failure, code NETWORK / TIMEOUT). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string[]>;
  readonly requestId?: string;
  /** Everything the API said besides the fields (e.g. the clashes of a double booking). */
  readonly details: Record<string, unknown>;

  constructor(body: ErrorResponse) {
    super(body.message);
    this.name = 'ApiError';
    this.status = body.statusCode;
    this.code = body.code;
    this.fields = body.details?.fields ?? {};
    this.requestId = body.requestId;
    this.details = body.details ?? {};
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  /** Send the access token and refresh once on 401 (default true). */
  auth?: boolean;
  query?: Record<string, string | undefined>;
}

export interface ApiClientOptions {
  baseUrl?: string;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  fetchImpl?: typeof fetch;
  /** Abort a request that has not answered after this long (weak rural networks). */
  timeoutMs?: number;
}

export const REFRESH_TOKEN_KEY = 'tongke.refreshToken';

/** localStorage, or a per-page map where it is blocked (reading it can throw when cookies are off). */
function browserStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  try {
    const s = window.localStorage;
    s.getItem(REFRESH_TOKEN_KEY);
    return s;
  } catch {
    const m = new Map<string, string>();
    return {
      getItem: (k) => m.get(k) ?? null,
      setItem: (k, v) => void m.set(k, v),
      removeItem: (k) => void m.delete(k),
    };
  }
}

/**
 * The typed REST client. The access token lives only in memory; the refresh token in
 * localStorage so a reload keeps the session. A 401 triggers one refresh and one retry;
 * concurrent 401s share a single refresh (and tabs serialise theirs with a Web Lock, because
 * the API revokes the whole session when a rotated refresh token is reused).
 */
export class ApiClient {
  private accessToken: string | null = null;
  /** Used only when localStorage is unavailable (private mode, blocked storage). */
  private memoryRefreshToken: string | null = null;
  private refreshing: Promise<LoginResponse | null> | null = null;
  private readonly sessionListeners = new Set<
    (user: UserDto | null, reason: 'login' | 'refresh' | 'logout' | 'expired') => void
  >();
  private readonly baseUrl: string;
  private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(opts: ApiClientOptions = {}) {
    this.baseUrl = opts.baseUrl ?? '/api';
    this.storage = opts.storage ?? browserStorage();
    this.fetchImpl = opts.fetchImpl ?? ((input, init) => window.fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** Called when the session starts, is renewed, ends, or expires (refresh failed). */
  onSession(
    listener: (user: UserDto | null, reason: 'login' | 'refresh' | 'logout' | 'expired') => void,
  ): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }

  get hasStoredSession(): boolean {
    return !!this.readRefreshToken();
  }

  // ---- auth -------------------------------------------------------------------------------

  async login(identifier: string, password: string): Promise<UserDto> {
    const res = await this.request<LoginResponse>('POST', '/auth/login', {
      body: { identifier, password },
      auth: false,
    });
    this.adopt(res);
    this.emit(res.user, 'login');
    return res.user;
  }

  async acceptInvite(req: AcceptInviteRequest): Promise<UserDto> {
    const res = await this.request<LoginResponse>('POST', '/auth/accept-invite', { body: req, auth: false });
    this.adopt(res);
    this.emit(res.user, 'login');
    return res.user;
  }

  /** Resumes a stored session after a reload; null when there is none (or it has expired). */
  async restore(): Promise<UserDto | null> {
    if (!this.readRefreshToken()) return null;
    const res = await this.refreshOnce();
    return res?.user ?? null;
  }

  async logout(): Promise<void> {
    const refreshToken = this.readRefreshToken();
    try {
      if (refreshToken && this.accessToken) {
        await this.request<void>('POST', '/auth/logout', { body: { refreshToken }, auth: true });
      }
    } catch {
      // Logging out locally is what matters; the server session expires on its own.
    } finally {
      this.clear();
      this.emit(null, 'logout');
    }
  }

  async changePassword(req: ChangePasswordRequest): Promise<UserDto> {
    const res = await this.request<LoginResponse>('POST', '/auth/change-password', { body: req });
    this.adopt(res);
    return res.user;
  }

  me(): Promise<UserDto> {
    return this.request('GET', '/auth/me');
  }

  // ---- schools, classrooms, staff, invites ------------------------------------------------

  regions(): Promise<RegionDto[]> {
    return this.request('GET', '/regions');
  }
  schools(locale?: SchoolLocale): Promise<SchoolDto[]> {
    return this.request('GET', '/schools', { query: { locale } });
  }
  school(id: string): Promise<SchoolDto> {
    return this.request('GET', `/schools/${encodeURIComponent(id)}`);
  }
  updateSchool(id: string, req: UpdateSchoolRequest): Promise<SchoolDto> {
    return this.request('PATCH', `/schools/${encodeURIComponent(id)}`, { body: req });
  }
  classrooms(schoolId: string): Promise<ClassroomDto[]> {
    return this.request('GET', `/schools/${encodeURIComponent(schoolId)}/classrooms`);
  }
  createClassroom(schoolId: string, req: CreateClassroomRequest): Promise<ClassroomDto> {
    return this.request('POST', `/schools/${encodeURIComponent(schoolId)}/classrooms`, { body: req });
  }
  pairingTeachers(pairingId: string): Promise<PairingTeacherDto[]> {
    return this.request('GET', `/pairings/${encodeURIComponent(pairingId)}/teachers`);
  }

  staff(schoolId: string): Promise<UserDto[]> {
    return this.request('GET', `/schools/${encodeURIComponent(schoolId)}/staff`);
  }
  masterTeachers(schoolId: string): Promise<UserDto[]> {
    return this.request('GET', `/schools/${encodeURIComponent(schoolId)}/master-teachers`);
  }
  updateUser(userId: string, req: UpdateTeacherRequest): Promise<UserDto> {
    return this.request('PATCH', `/users/${encodeURIComponent(userId)}`, { body: req });
  }
  invites(schoolId: string): Promise<InviteDto[]> {
    return this.request('GET', `/schools/${encodeURIComponent(schoolId)}/invites`);
  }
  createInvite(schoolId: string, req: CreateInviteRequest): Promise<InviteDto> {
    return this.request('POST', `/schools/${encodeURIComponent(schoolId)}/invites`, { body: req });
  }
  revokeInvite(inviteId: string): Promise<void> {
    return this.request('DELETE', `/invites/${encodeURIComponent(inviteId)}`);
  }

  // ---- pairings ---------------------------------------------------------------------------

  pairings(status?: PairingStatus): Promise<PairingDto[]> {
    return this.request('GET', '/pairings', { query: { status } });
  }
  pairing(id: string): Promise<PairingDto> {
    return this.request('GET', `/pairings/${encodeURIComponent(id)}`);
  }
  createPairing(req: CreatePairingRequest): Promise<PairingDto> {
    return this.request('POST', '/pairings', { body: req });
  }
  activatePairing(id: string): Promise<PairingDto> {
    return this.request('POST', `/pairings/${encodeURIComponent(id)}/activate`);
  }
  endPairing(id: string, reason?: string): Promise<PairingDto> {
    return this.request('POST', `/pairings/${encodeURIComponent(id)}/end`, {
      body: reason ? { reason } : {},
    });
  }

  // ---- joint lessons (同步课堂) --------------------------------------------------------------

  /** The timetable: lessons the caller may see that overlap [from, to). */
  lessons(q: {
    from: string;
    to: string;
    pairingId?: string;
    includeCancelled?: boolean;
  }): Promise<LessonDto[]> {
    return this.request('GET', '/lessons', {
      query: {
        from: q.from,
        to: q.to,
        pairingId: q.pairingId,
        includeCancelled: q.includeCancelled ? 'true' : undefined,
      },
    });
  }
  lesson(id: string): Promise<LessonDto> {
    return this.request('GET', `/lessons/${encodeURIComponent(id)}`);
  }
  createLesson(req: CreateLessonRequest): Promise<LessonDto> {
    return this.request('POST', '/lessons', { body: req });
  }
  createLessonSeries(req: CreateLessonSeriesRequest): Promise<LessonSeriesDto> {
    return this.request('POST', '/lessons/series', { body: req });
  }
  cancelLesson(id: string, req: CancelLessonRequest = {}): Promise<LessonDto> {
    return this.request('POST', `/lessons/${encodeURIComponent(id)}/cancel`, { body: req });
  }
  lessonJoinToken(id: string, req: LessonJoinTokenRequest): Promise<LessonJoinTokenResponse> {
    return this.request('POST', `/lessons/${encodeURIComponent(id)}/join-token`, { body: req });
  }
  lessonAttendance(id: string): Promise<LessonAttendanceDto> {
    return this.request('GET', `/lessons/${encodeURIComponent(id)}/attendance`);
  }
  lessonTimeline(id: string, afterSeq = 0, limit = 1000): Promise<LessonTimelinePage> {
    return this.request('GET', `/lessons/${encodeURIComponent(id)}/timeline`, {
      query: { afterSeq: String(afterSeq), limit: String(limit) },
    });
  }
  lessonRecord(id: string): Promise<LessonRecordDto> {
    return this.request('GET', `/lessons/${encodeURIComponent(id)}/record`);
  }
  /**
   * A lesson material's bytes as a raw Response, for the classroom screen to prefetch (a library
   * resource's current file, or a lesson pack as one zip). Throws ApiError when refused.
   */
  lessonMaterialDownload(m: MaterialRef): Promise<Response> {
    return this.fetchRaw(
      'GET',
      m.kind === 'pack'
        ? `/packs/${encodeURIComponent(m.id)}/download.zip`
        : `/resources/${encodeURIComponent(m.id)}/download`,
    );
  }

  /**
   * A file's raw Response (`/api/…` or a path below it): authenticated, with one retry after the
   * session is renewed on a 401; throws ApiError when refused.
   */
  async fetchRaw(method: Method, apiPath: string): Promise<Response> {
    const path = apiPath.replace(/^\/api(?=\/)/, '');
    const used = this.accessToken;
    let res = await this.send(method, path, {}, used);
    if (res.status === 401) {
      let token = this.accessToken && this.accessToken !== used ? this.accessToken : null;
      if (!token) token = (await this.refreshOnce())?.accessToken ?? null;
      if (token) res = await this.send(method, path, {}, token);
    }
    if (!res.ok) await this.parse<never>(res);
    return res;
  }

  // ---- library search (资源库) ------------------------------------------------------------

  /** Facet lists go as comma lists, so a search URL stays short and shareable. */
  search(req: SearchRequest): Promise<SearchResponseDto> {
    const query: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(req) as [string, string[] | string | number | undefined][]) {
      if (Array.isArray(value)) query[key] = value.length ? value.join(',') : undefined;
      else if (value !== undefined && value !== '') query[key] = String(value);
    }
    return this.request('GET', '/search', { query });
  }
  searchSuggest(q: string, limit?: number): Promise<SearchSuggestResponse> {
    return this.request('GET', '/search/suggest', { query: { q, limit: limit ? String(limit) : undefined } });
  }
  resource(id: string): Promise<ResourceDto> {
    return this.request('GET', `/resources/${encodeURIComponent(id)}`);
  }
  /** A file the API serves behind authentication (e.g. a resource file's downloadUrl), as a Blob. */
  async fetchBlob(apiPath: string): Promise<Blob> {
    return (await this.fetchRaw('GET', apiPath)).blob();
  }

  // ---- library: resources, review, lesson packs (资源库) ------------------------------------

  /**
   * An access token for requests the client does not send itself (tus uploads): the current one,
   * or a renewed one when `renew` is set (after a 401) or none is held.
   */
  async accessTokenForUpload(renew = false): Promise<string | null> {
    if (!renew && this.accessToken) return this.accessToken;
    const used = this.accessToken;
    const res = await this.refreshOnce();
    return res?.accessToken ?? (this.accessToken !== used ? this.accessToken : null);
  }
  resources(q: ResourceListQuery = {}): Promise<ResourcePageDto> {
    const query: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(q) as [string, string | number | undefined][])
      if (v !== undefined && v !== '') query[k] = String(v);
    return this.request('GET', '/resources', { query });
  }
  createResource(req: CreateResourceRequest): Promise<ResourceDto> {
    return this.request('POST', '/resources', { body: req });
  }
  updateResource(id: string, req: UpdateResourceRequest): Promise<ResourceDto> {
    return this.request('PATCH', `/resources/${encodeURIComponent(id)}`, { body: req });
  }
  deleteResource(id: string): Promise<void> {
    return this.request('DELETE', `/resources/${encodeURIComponent(id)}`);
  }
  submitResource(id: string, visibility: ResourceVisibility): Promise<ResourceDto> {
    return this.request('POST', `/resources/${encodeURIComponent(id)}/submit`, { body: { visibility } });
  }
  withdrawResource(id: string, reason?: string): Promise<ResourceDto> {
    return this.request('POST', `/resources/${encodeURIComponent(id)}/withdraw`, {
      body: reason ? { reason } : {},
    });
  }
  approveResource(id: string): Promise<ResourceDto> {
    return this.request('POST', `/resources/${encodeURIComponent(id)}/approve`);
  }
  rejectResource(id: string, reason: string): Promise<ResourceDto> {
    return this.request('POST', `/resources/${encodeURIComponent(id)}/reject`, { body: { reason } });
  }
  reviewHistory(id: string): Promise<ReviewEventDto[]> {
    return this.request('GET', `/resources/${encodeURIComponent(id)}/reviews`);
  }
  reviewQueue(): Promise<ResourceDto[]> {
    return this.request('GET', '/reviews');
  }
  resourceVersions(id: string): Promise<ResourceVersionDto[]> {
    return this.request('GET', `/resources/${encodeURIComponent(id)}/versions`);
  }
  createVersion(id: string, req: CreateVersionRequest): Promise<ResourceDto> {
    return this.request('POST', `/resources/${encodeURIComponent(id)}/versions`, { body: req });
  }
  remixResource(id: string, title?: string): Promise<ResourceDto> {
    return this.request('POST', `/resources/${encodeURIComponent(id)}/remix`, {
      body: title ? { title } : {},
    });
  }
  rateResource(id: string, stars: number): Promise<ResourceDto> {
    return this.request('PUT', `/resources/${encodeURIComponent(id)}/rating`, { body: { stars } });
  }
  favouriteResource(id: string, on: boolean): Promise<ResourceDto> {
    return this.request(on ? 'PUT' : 'DELETE', `/resources/${encodeURIComponent(id)}/favourite`);
  }
  deleteFile(fileId: string): Promise<void> {
    return this.request('DELETE', `/files/${encodeURIComponent(fileId)}`);
  }
  /** A short-lived signed URL for the browser itself to fetch (download manager, `<video src>`). */
  fileLink(fileId: string, use: 'download' | 'preview'): Promise<FileLinkDto> {
    return this.request('POST', `/files/${encodeURIComponent(fileId)}/${use}-link`);
  }
  fileOutline(fileId: string): Promise<FileOutlineDto> {
    return this.request('GET', `/files/${encodeURIComponent(fileId)}/outline`);
  }
  packs(scope: 'mine' | 'visible' = 'mine'): Promise<LessonPackDto[]> {
    return this.request('GET', '/packs', { query: { scope } });
  }
  pack(id: string): Promise<LessonPackDto> {
    return this.request('GET', `/packs/${encodeURIComponent(id)}`);
  }
  createPack(req: CreateLessonPackRequest): Promise<LessonPackDto> {
    return this.request('POST', '/packs', { body: req });
  }
  updatePack(id: string, req: UpdateLessonPackRequest): Promise<LessonPackDto> {
    return this.request('PATCH', `/packs/${encodeURIComponent(id)}`, { body: req });
  }
  setPackItems(id: string, resourceIds: string[]): Promise<LessonPackDto> {
    return this.request('PUT', `/packs/${encodeURIComponent(id)}/items`, { body: { resourceIds } });
  }
  deletePack(id: string): Promise<void> {
    return this.request('DELETE', `/packs/${encodeURIComponent(id)}`);
  }
  notifications(unread = false): Promise<NotificationDto[]> {
    return this.request('GET', '/notifications', { query: { unread: unread ? 'true' : undefined } });
  }
  markNotificationRead(id: string): Promise<NotificationDto> {
    return this.request('POST', `/notifications/${encodeURIComponent(id)}/read`);
  }

  // ---- deployment -------------------------------------------------------------------------

  health(): Promise<HealthResponse> {
    return this.request('GET', '/health', { auth: false });
  }
  clientConfig(): Promise<ClientConfig> {
    return this.request('GET', '/client-config', { auth: false });
  }

  // ---- plumbing ---------------------------------------------------------------------------

  async request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
    const auth = opts.auth ?? true;
    const used = auth ? this.accessToken : null;
    let res = await this.send(method, path, opts, used);
    if (res.status === 401 && auth) {
      // Another call may already have renewed the token while this one was in flight.
      let token = this.accessToken && this.accessToken !== used ? this.accessToken : null;
      if (!token) token = (await this.refreshOnce())?.accessToken ?? null;
      if (!token) {
        throw new ApiError({
          statusCode: 401,
          code: 'SESSION_EXPIRED',
          message: 'Your session has expired: log in again',
        });
      }
      res = await this.send(method, path, opts, token);
    }
    return this.parse<T>(res);
  }

  private async send(
    method: Method,
    path: string,
    opts: RequestOptions,
    token: string | null,
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const query = Object.entries(opts.query ?? {}).filter((e): e is [string, string] => !!e[1]);
    const url = this.baseUrl + path + (query.length ? `?${new URLSearchParams(query).toString()}` : '');
    const controller = new AbortController();
    const timer = window.setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      return await this.fetchImpl(url, {
        method,
        headers,
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
        signal: controller.signal,
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (e) {
      const timedOut = controller.signal.aborted;
      throw new ApiError({
        statusCode: 0,
        code: timedOut ? 'TIMEOUT' : 'NETWORK',
        message: timedOut ? 'The server did not answer in time' : `Network error: ${(e as Error).message}`,
      });
    } finally {
      window.clearTimeout(timer);
    }
  }

  private async parse<T>(res: Response): Promise<T> {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    if (res.ok) return body as T;
    const err = body as Partial<ErrorResponse> | undefined;
    throw new ApiError({
      statusCode: res.status,
      code: typeof err?.code === 'string' ? err.code : `HTTP_${res.status}`,
      message: typeof err?.message === 'string' ? err.message : res.statusText || `HTTP ${res.status}`,
      requestId: err?.requestId,
      details: err?.details,
    });
  }

  /** One refresh at a time in this tab (parallel 401s share it) and across tabs (Web Lock). */
  private refreshOnce(): Promise<LoginResponse | null> {
    if (!this.refreshing) {
      const run = (): Promise<LoginResponse | null> => this.doRefresh();
      const locks = (navigator as Navigator & { locks?: LockManager }).locks;
      const p = locks ? locks.request('tongke-refresh', run) : run();
      this.refreshing = p.finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<LoginResponse | null> {
    // Read it now, not earlier: another tab may have rotated it meanwhile.
    const refreshToken = this.readRefreshToken();
    if (!refreshToken) return this.expire();
    let res: LoginResponse;
    try {
      res = await this.request<LoginResponse>('POST', '/auth/refresh', {
        body: { refreshToken },
        auth: false,
      });
    } catch (e) {
      // A network failure keeps the stored session (the link may come back); a refusal ends it.
      if (e instanceof ApiError && e.status === 0) throw e;
      return this.expire();
    }
    this.adopt(res);
    this.emit(res.user, 'refresh');
    return res;
  }

  private expire(): null {
    const hadSession = !!this.accessToken || !!this.readRefreshToken();
    this.clear();
    if (hadSession) this.emit(null, 'expired');
    return null;
  }

  private adopt(res: LoginResponse): void {
    this.accessToken = res.accessToken;
    try {
      this.storage.setItem(REFRESH_TOKEN_KEY, res.refreshToken);
      this.memoryRefreshToken = null;
    } catch {
      // Private mode or full storage: the session lasts until the tab closes.
      this.memoryRefreshToken = res.refreshToken;
    }
  }

  private clear(): void {
    this.accessToken = null;
    this.memoryRefreshToken = null;
    try {
      this.storage.removeItem(REFRESH_TOKEN_KEY);
    } catch {
      // ignore
    }
  }

  private readRefreshToken(): string | null {
    if (this.memoryRefreshToken) return this.memoryRefreshToken;
    try {
      return this.storage.getItem(REFRESH_TOKEN_KEY);
    } catch {
      return null;
    }
  }

  private emit(user: UserDto | null, reason: 'login' | 'refresh' | 'logout' | 'expired'): void {
    for (const l of this.sessionListeners) l(user, reason);
  }
}

export const api = new ApiClient();
