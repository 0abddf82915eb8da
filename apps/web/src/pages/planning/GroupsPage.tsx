import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { STAGE_CODES, SUBJECT_CODES, type StageCode, type SubjectCode } from '@tongke/contracts';
import { useUser } from '../../auth/session';
import { ErrorAlert, Field, Loading, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { subjectName } from '../../format';
import { planningApi } from '../../planning/api';
import './planning.css';

/** 集体备课: the teaching-research groups the user belongs to (or supervises). */
export function GroupsPage() {
  const { t } = useTranslation();
  const user = useUser();
  usePageTitle(t('planning.groupsTitle'));
  const { data, error, loading, reload } = useLoad(() => planningApi.groups(), []);
  const canCreate =
    user.role === 'district_admin' ||
    user.role === 'platform_admin' ||
    (user.role === 'teacher' && user.isMasterTeacher);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t('planning.groupsTitle')}</h1>
          <p className="lead">{t('planning.groupsIntro')}</p>
        </div>
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data ? (
        <Loading />
      ) : data && data.length === 0 ? (
        <p className="empty">{t('planning.noGroups')}</p>
      ) : (
        <ul className="card-list" data-testid="group-list">
          {data?.map((g) => (
            <li key={g.id} className="card" data-testid="group-card">
              <div className="card-head">
                <h2 className="card-title">
                  <Link to={`/lesson-planning/groups/${g.id}`}>{g.name}</Link>
                </h2>
                {g.myRole && <span className="badge">{t(`planning.role.${g.myRole}`)}</span>}
              </div>
              <p className="card-meta">
                {t(`stage.${g.stage as StageCode}`)} · {subjectName(t, g.subject)} ·{' '}
                {t('planning.leadBy', { name: g.lead.displayName })} ·{' '}
                {t('planning.memberCount', { count: g.memberCount })}
              </p>
            </li>
          ))}
        </ul>
      )}
      {canCreate && <CreateGroupForm onCreated={reload} />}
    </>
  );
}

function CreateGroupForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [subject, setSubject] = useState<SubjectCode>('math');
  const [stage, setStage] = useState<StageCode>('primary');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    planningApi.createGroup({ name: name.trim(), subject, stage }).then(
      () => {
        setBusy(false);
        setName('');
        onCreated();
      },
      (err: unknown) => {
        setBusy(false);
        setError(err);
      },
    );
  };
  return (
    <form className="card planning-form" onSubmit={submit} data-testid="group-form">
      <h2>{t('planning.createGroup')}</h2>
      <ErrorAlert error={error} />
      <Field label={t('planning.groupName')} required>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />}
      </Field>
      <div className="form-row">
        <Field label={t('planning.stage')}>
          {(p) => (
            <select {...p} value={stage} onChange={(e) => setStage(e.target.value as StageCode)}>
              {STAGE_CODES.map((s) => (
                <option key={s} value={s}>
                  {t(`stage.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('planning.subject')}>
          {(p) => (
            <select {...p} value={subject} onChange={(e) => setSubject(e.target.value as SubjectCode)}>
              {SUBJECT_CODES.map((s) => (
                <option key={s} value={s}>
                  {subjectName(t, s)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
        {t('planning.createGroup')}
      </button>
    </form>
  );
}
