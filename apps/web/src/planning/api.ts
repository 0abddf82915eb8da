import type {
  AddGroupMemberRequest,
  CreatePlanCommentRequest,
  GroupMemberCandidateDto,
  CreatePlanRequest,
  CreatePlanningSessionRequest,
  CreateResearchGroupRequest,
  PlanChangeSummaryDto,
  PlanCommentDto,
  PlanDto,
  PlanPostDto,
  PlanningSessionDto,
  PlanVersionContentDto,
  PlanVersionDto,
  PublishPlanVersionResponse,
  ResearchGroupDetailDto,
  ResearchGroupDto,
  RestorePlanVersionResponse,
  UpdatePlanRequest,
  UpdatePlanningSessionRequest,
} from '@tongke/contracts';
import { api } from '../api/client';

const enc = encodeURIComponent;

/** The collective-preparation REST calls (research groups, plans, sessions, comments, versions). */
export const planningApi = {
  groups: () => api.request<ResearchGroupDto[]>('GET', '/research-groups'),
  createGroup: (body: CreateResearchGroupRequest) =>
    api.request<ResearchGroupDto>('POST', '/research-groups', { body }),
  group: (id: string) => api.request<ResearchGroupDetailDto>('GET', `/research-groups/${enc(id)}`),
  memberCandidates: (id: string) =>
    api.request<GroupMemberCandidateDto[]>('GET', `/research-groups/${enc(id)}/member-candidates`),
  addMember: (id: string, body: AddGroupMemberRequest) =>
    api.request<unknown>('POST', `/research-groups/${enc(id)}/members`, { body }),
  plans: (groupId: string) => api.request<PlanDto[]>('GET', `/research-groups/${enc(groupId)}/plans`),
  createPlan: (groupId: string, body: CreatePlanRequest) =>
    api.request<PlanDto>('POST', `/research-groups/${enc(groupId)}/plans`, { body }),
  sessions: (groupId: string) =>
    api.request<PlanningSessionDto[]>('GET', `/research-groups/${enc(groupId)}/sessions`),
  createSession: (groupId: string, body: CreatePlanningSessionRequest) =>
    api.request<PlanningSessionDto>('POST', `/research-groups/${enc(groupId)}/sessions`, { body }),
  updateSession: (id: string, body: UpdatePlanningSessionRequest) =>
    api.request<PlanningSessionDto>('PATCH', `/planning-sessions/${enc(id)}`, { body }),
  attendSession: (id: string) =>
    api.request<PlanningSessionDto>('POST', `/planning-sessions/${enc(id)}/attend`),

  plan: (id: string) => api.request<PlanDto>('GET', `/plans/${enc(id)}`),
  updatePlan: (id: string, body: UpdatePlanRequest) =>
    api.request<PlanDto>('PATCH', `/plans/${enc(id)}`, { body }),
  posts: (planId: string) => api.request<PlanPostDto[]>('GET', `/plans/${enc(planId)}/posts`),
  addPost: (planId: string, body: string) =>
    api.request<PlanPostDto>('POST', `/plans/${enc(planId)}/posts`, { body: { body } }),

  comments: (planId: string) => api.request<PlanCommentDto[]>('GET', `/plans/${enc(planId)}/comments`),
  addComment: (planId: string, body: CreatePlanCommentRequest) =>
    api.request<PlanCommentDto>('POST', `/plans/${enc(planId)}/comments`, { body }),
  reply: (planId: string, commentId: string, body: string) =>
    api.request<PlanCommentDto>('POST', `/plans/${enc(planId)}/comments/${enc(commentId)}/replies`, {
      body: { body },
    }),
  resolve: (planId: string, commentId: string) =>
    api.request<PlanCommentDto>('POST', `/plans/${enc(planId)}/comments/${enc(commentId)}/resolve`),
  reopen: (planId: string, commentId: string) =>
    api.request<PlanCommentDto>('POST', `/plans/${enc(planId)}/comments/${enc(commentId)}/reopen`),

  versions: (planId: string) => api.request<PlanVersionDto[]>('GET', `/plans/${enc(planId)}/versions`),
  saveVersion: (planId: string, name: string) =>
    api.request<PlanVersionDto>('POST', `/plans/${enc(planId)}/versions`, { body: { name } }),
  version: (planId: string, versionId: string) =>
    api.request<PlanVersionContentDto>('GET', `/plans/${enc(planId)}/versions/${enc(versionId)}`),
  restore: (planId: string, versionId: string) =>
    api.request<RestorePlanVersionResponse>(
      'POST',
      `/plans/${enc(planId)}/versions/${enc(versionId)}/restore`,
    ),
  publish: (planId: string, versionId: string) =>
    api.request<PublishPlanVersionResponse>(
      'POST',
      `/plans/${enc(planId)}/versions/${enc(versionId)}/publish`,
    ),
  /** The version as a DOCX file (the API's POST export), with the file name it suggests. */
  async exportDocx(planId: string, versionId: string): Promise<{ blob: Blob; fileName: string }> {
    const res = await api.fetchRaw('POST', `/plans/${enc(planId)}/versions/${enc(versionId)}/export.docx`);
    const disposition = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    return { blob: await res.blob(), fileName: star ? decodeURIComponent(star[1]) : 'plan.docx' };
  },
  changes: (planId: string, from: string, to?: string) =>
    api.request<PlanChangeSummaryDto>('GET', `/plans/${enc(planId)}/changes`, { query: { from, to } }),
};
