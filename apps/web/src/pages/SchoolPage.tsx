import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  CLASSROOM_KINDS,
  gradesOf,
  type ClassroomKind,
  type InviteDto,
  type SchoolDto,
  type UserDto,
} from '@tongke/contracts';
import { api } from '../api/client';
import { canManageSchool, isDistrictAdmin, useUser } from '../auth/session';
import { ErrorAlert, Field, Loading, LocaleBadge, SuccessNotice, useLoad } from '../components/ui';
import { usePageTitle } from '../components/usePageTitle';
import { fieldErrors, formatDate, formatNumber, gradeName, subjectName } from '../format';

export function SchoolPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const user = useUser();
  const school = useLoad(() => api.school(id), [id]);
  usePageTitle(school.data?.name ?? t('schools.title'));
  const s = school.data;

  return (
    <>
      <p className="breadcrumb">
        <Link to="/schools">← {t('school.back')}</Link>
      </p>
      <ErrorAlert error={school.error} onRetry={school.reload} />
      {school.loading && !s && <Loading />}
      {s && (
        <>
          <div className="page-head">
            <h1 data-testid="school-name">
              {s.name} <LocaleBadge locale={s.locale} />
            </h1>
          </div>
          <section className="panel" aria-labelledby="school-overview">
            <h2 id="school-overview">{t('school.overview')}</h2>
            <dl className="facts">
              <div>
                <dt>{t('school.locale')}</dt>
                <dd>{t(`locale.${s.locale}`)}</dd>
              </div>
              <div>
                <dt>{t('school.stages')}</dt>
                <dd>{s.stages.map((st) => t(`stage.${st}`)).join(t('app.listSep'))}</dd>
              </div>
              <div>
                <dt>{t('school.enrolment')}</dt>
                <dd>{t('school.enrolmentValue', { n: formatNumber(i18n.language, s.enrolment) })}</dd>
              </div>
            </dl>
          </section>
          <Classrooms school={s} canManage={canManageSchool(user, s)} />
          {canManageSchool(user, s) && (
            <>
              <Staff school={s} />
              <Invites school={s} user={user} />
            </>
          )}
        </>
      )}
    </>
  );
}

function Classrooms({ school, canManage }: { school: SchoolDto; canManage: boolean }) {
  const { t } = useTranslation();
  const list = useLoad(() => api.classrooms(school.id), [school.id]);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ClassroomKind>('class');
  const [grade, setGrade] = useState('');
  const [errs, setErrs] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const grades = school.stages.flatMap((st) => gradesOf(st));

  async function add(e: FormEvent) {
    e.preventDefault();
    setAdded(null);
    setError(null);
    if (!name.trim()) {
      setErrs({ name: [t('school.classroomNameRequired')] });
      return;
    }
    setErrs({});
    setBusy(true);
    try {
      const c = await api.createClassroom(school.id, { name: name.trim(), kind, ...(grade && { grade }) });
      setAdded(c.name);
      setName('');
      setGrade('');
      list.reload();
    } catch (err) {
      setError(err);
      setErrs(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="school-classrooms">
      <h2 id="school-classrooms">{t('school.classrooms')}</h2>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.length === 0 && <p className="empty">{t('school.noClassrooms')}</p>}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table data-testid="classroom-table">
            <thead>
              <tr>
                <th scope="col">{t('school.classroomName')}</th>
                <th scope="col">{t('school.classroomKind')}</th>
                <th scope="col">{t('school.classroomGrade')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>{t(`school.kind.${c.kind}`)}</td>
                  <td>{c.grade ? gradeName(t, c.grade) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage && (
        <form className="subform" onSubmit={(e) => void add(e)} noValidate data-testid="classroom-form">
          <h3>{t('school.addClassroom')}</h3>
          {added && <SuccessNotice>{t('school.classroomAdded', { name: added })}</SuccessNotice>}
          <ErrorAlert error={error} />
          <div className="form-row">
            <Field label={t('school.classroomName')} errors={errs.name} required>
              {(p) => (
                <input
                  {...p}
                  maxLength={80}
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  data-testid="classroom-name"
                />
              )}
            </Field>
            <Field label={t('school.classroomKind')} errors={errs.kind}>
              {(p) => (
                <select {...p} value={kind} onChange={(e) => setKind(e.target.value as ClassroomKind)}>
                  {CLASSROOM_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`school.kind.${k}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('school.classroomGrade')} errors={errs.grade}>
              {(p) => (
                <select {...p} value={grade} onChange={(e) => setGrade(e.target.value)}>
                  <option value="">{t('school.gradeNone')}</option>
                  {grades.map((g) => (
                    <option key={g} value={g}>
                      {gradeName(t, g)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="classroom-add">
            {busy ? t('app.saving') : t('school.add')}
          </button>
        </form>
      )}
    </section>
  );
}

function Staff({ school }: { school: SchoolDto }) {
  const { t } = useTranslation();
  const list = useLoad(() => api.staff(school.id), [school.id]);
  return (
    <section className="panel" aria-labelledby="school-staff">
      <h2 id="school-staff">{t('school.staff')}</h2>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.length === 0 && <p className="empty">{t('school.noStaff')}</p>}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table data-testid="staff-table">
            <thead>
              <tr>
                <th scope="col">{t('school.staffName')}</th>
                <th scope="col">{t('school.staffRole')}</th>
                <th scope="col">{t('school.staffSubjects')}</th>
                <th scope="col">{t('school.staffContact')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((u: UserDto) => (
                <tr key={u.id}>
                  <td>
                    {u.displayName}
                    {u.disabled && <span className="badge badge-muted"> {t('school.disabled')}</span>}
                  </td>
                  <td>
                    {t(`user.role.${u.role}`)}
                    {u.isMasterTeacher && (
                      <span className="badge badge-master">{t('user.masterTeacher')}</span>
                    )}
                  </td>
                  <td>{u.subjects.map((c) => subjectName(t, c)).join(t('app.listSep')) || '—'}</td>
                  <td className="nowrap">{u.email ?? u.phone ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

type InviteState = 'pending' | 'used' | 'expired';
const inviteState = (i: InviteDto, now: number): InviteState =>
  i.usedAt ? 'used' : new Date(i.expiresAt).getTime() <= now ? 'expired' : 'pending';

function Invites({ school, user }: { school: SchoolDto; user: UserDto }) {
  const { t, i18n } = useTranslation();
  const list = useLoad(() => api.invites(school.id), [school.id]);
  const [role, setRole] = useState<'teacher' | 'school_admin'>('teacher');
  const [master, setMaster] = useState(false);
  const [note, setNote] = useState('');
  const [created, setCreated] = useState<InviteDto | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const now = Date.now();

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setNotice(null);
    setCopied(false);
    setBusy(true);
    try {
      const inv = await api.createInvite(school.id, {
        role,
        ...(role === 'teacher' && { isMasterTeacher: master }),
        ...(note.trim() && { note: note.trim() }),
      });
      setCreated(inv);
      setNote('');
      setMaster(false);
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(inv: InviteDto) {
    setError(null);
    setNotice(null);
    try {
      await api.revokeInvite(inv.id);
      setNotice(t('school.revoked'));
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function copy(code: string) {
    try {
      await navigator.clipboard.writeText(code);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="school-invites">
      <h2 id="school-invites">{t('school.invites')}</h2>
      <p className="muted">{t('school.invitesIntro')}</p>
      <form className="subform" onSubmit={(e) => void create(e)} noValidate data-testid="invite-form">
        <h3>{t('school.createInvite')}</h3>
        <div className="form-row">
          {isDistrictAdmin(user) && (
            <Field label={t('school.inviteRole')}>
              {(p) => (
                <select
                  {...p}
                  value={role}
                  onChange={(e) => setRole(e.target.value as 'teacher' | 'school_admin')}
                  data-testid="invite-role"
                >
                  <option value="teacher">{t('school.inviteRoles.teacher')}</option>
                  <option value="school_admin">{t('school.inviteRoles.school_admin')}</option>
                </select>
              )}
            </Field>
          )}
          <Field label={t('school.inviteNote')} hint={t('school.inviteNoteHint')} required={false}>
            {(p) => (
              <input
                {...p}
                maxLength={200}
                value={note}
                onChange={(e) => setNote(e.target.value)}
                data-testid="invite-note"
              />
            )}
          </Field>
        </div>
        {role === 'teacher' && (
          <div className="check">
            <input
              id="invite-master"
              type="checkbox"
              checked={master}
              onChange={(e) => setMaster(e.target.checked)}
            />
            <label htmlFor="invite-master">{t('school.inviteMaster')}</label>
          </div>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="invite-create">
          {busy ? t('app.saving') : t('school.createInvite')}
        </button>
      </form>
      {created?.code && (
        <div className="invite-code-box" role="status" data-testid="invite-code-box">
          <p className="invite-code-label">{t('school.inviteCreated')}</p>
          <p className="invite-code" data-testid="invite-code">
            {created.code}
          </p>
          <p>{t('school.inviteOnce')}</p>
          <p className="muted">
            {t('school.expires')}: {formatDate(i18n.language, created.expiresAt, true)}
          </p>
          <div className="actions">
            <button type="button" className="btn btn-secondary" onClick={() => void copy(created.code!)}>
              {copied ? `✓ ${t('school.copied')}` : t('school.copy')}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setCreated(null)}>
              {t('app.close')}
            </button>
          </div>
        </div>
      )}
      {notice && <SuccessNotice>{notice}</SuccessNotice>}
      <ErrorAlert error={error} />
      <ErrorAlert error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.length === 0 && <p className="empty">{t('school.noInvites')}</p>}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table data-testid="invite-table">
            <thead>
              <tr>
                <th scope="col">{t('school.inviteRole')}</th>
                <th scope="col">{t('school.note')}</th>
                <th scope="col">{t('school.status')}</th>
                <th scope="col">{t('school.expires')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('school.revoke')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((inv) => {
                const state = inviteState(inv, now);
                return (
                  <tr key={inv.id}>
                    <td>
                      {t(`user.role.${inv.role}`)}
                      {inv.isMasterTeacher && (
                        <span className="badge badge-master">{t('user.masterTeacher')}</span>
                      )}
                    </td>
                    <td>{inv.note ?? '—'}</td>
                    <td>
                      <span className={`badge badge-invite-${state}`}>
                        {t(`school.inviteStatus.${state}`)}
                      </span>
                    </td>
                    <td className="nowrap">{formatDate(i18n.language, inv.expiresAt, true)}</td>
                    <td>
                      {state === 'pending' && (
                        <button
                          type="button"
                          className="btn btn-ghost btn-small"
                          onClick={() => void revoke(inv)}
                        >
                          {t('school.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
