import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlanChangeSummaryDto, PlanDto, PlanVersionContentDto } from '@tongke/contracts';
import { ErrorAlert, Field, SuccessNotice, useLoad } from '../../components/ui';
import { formatDate } from '../../format';
import { planningApi } from '../../planning/api';
import { saveBlob } from '../../save-blob';

const CURRENT = 'current';
const changed = (s: PlanChangeSummaryDto) => s.sections.filter((c) => c.added > 0 || c.removed > 0);

/** Named versions: save, list, view, restore, the change summary between two, publish to the library. */
export function VersionsPanel({
  plan,
  readOnly,
  canPublish,
}: {
  plan: PlanDto;
  readOnly: boolean;
  canPublish: boolean;
}) {
  const { t, i18n } = useTranslation();
  const versions = useLoad(() => planningApi.versions(plan.id), [plan.id]);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [viewing, setViewing] = useState<PlanVersionContentDto | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState(CURRENT);
  const [summary, setSummary] = useState<PlanChangeSummaryDto | null>(null);

  const act = <T,>(p: Promise<T>, done: (v: T) => void) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    p.then(
      (v) => {
        setBusy(false);
        done(v);
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };
  const list = versions.data ?? [];
  const fromId = from || list[list.length - 1]?.id || '';

  return (
    <section className="card plan-panel" aria-labelledby="versions-h" data-testid="versions">
      <h2 id="versions-h">{t('planning.versions')}</h2>
      {!readOnly && (
        <form
          className="plan-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            act(planningApi.saveVersion(plan.id, name.trim()), (v) => {
              setName('');
              setNotice(t('planning.versionSaved', { name: v.name }));
              versions.reload();
            });
          }}
        >
          <Field label={t('planning.versionName')}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />}
          </Field>
          <button type="submit" className="btn btn-primary btn-small" disabled={busy || !name.trim()}>
            {t('planning.saveVersion')}
          </button>
        </form>
      )}
      {notice && <SuccessNotice testId="version-notice">{notice}</SuccessNotice>}
      <ErrorAlert error={error ?? versions.error} />
      {versions.data && list.length === 0 && <p className="empty">{t('planning.noVersions')}</p>}
      <ul className="plain-list" data-testid="version-list">
        {list.map((v) => (
          <li key={v.id} data-testid="version">
            <strong>{v.name}</strong>{' '}
            <span className="muted">
              {v.createdBy.displayName} · {formatDate(i18n.language, v.createdAt, true)}
              {v.publishedAt && ` · ${t('planning.published')}`}
            </span>
            <div className="card-actions">
              <button
                type="button"
                className="btn btn-ghost btn-small"
                disabled={busy}
                onClick={() => act(planningApi.version(plan.id, v.id), setViewing)}
              >
                {t('planning.view')}
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                disabled={busy}
                onClick={() =>
                  act(planningApi.exportDocx(plan.id, v.id), ({ blob, fileName }) => saveBlob(blob, fileName))
                }
              >
                {t('planning.downloadDocx')}
              </button>
              {!readOnly && (
                <>
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    disabled={busy}
                    onClick={() => {
                      if (!window.confirm(t('planning.restoreConfirm', { name: v.name }))) return;
                      act(planningApi.restore(plan.id, v.id), (r) =>
                        setNotice(
                          r.restoredSections.length
                            ? t('planning.restored', {
                                name: v.name,
                                sections: r.restoredSections
                                  .map((s) => t(`planning.section.${s}`))
                                  .join(t('app.listSep')),
                              })
                            : t('planning.restoredNothing', { name: v.name }),
                        ),
                      );
                    }}
                  >
                    {t('planning.restore')}
                  </button>
                  {canPublish && (
                    <button
                      type="button"
                      className="btn btn-ghost btn-small"
                      disabled={busy}
                      onClick={() =>
                        act(planningApi.publish(plan.id, v.id), () => {
                          setNotice(t('planning.publishedNotice', { name: v.name }));
                          versions.reload();
                        })
                      }
                    >
                      {t('planning.publish')}
                    </button>
                  )}
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      {viewing && (
        <div className="plan-version-view" data-testid="version-view">
          <h3>{t('planning.viewing', { name: viewing.name })}</h3>
          {viewing.sections.map((s) => (
            <div key={s.code}>
              <h4>{t(`planning.section.${s.code}`)}</h4>
              <p className="planning-body">{s.text || t('planning.emptySection')}</p>
            </div>
          ))}
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setViewing(null)}>
            {t('app.close')}
          </button>
        </div>
      )}
      {list.length > 0 && (
        <form
          className="plan-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            act(planningApi.changes(plan.id, fromId, to === CURRENT ? undefined : to), setSummary);
          }}
        >
          <h3>{t('planning.compare')}</h3>
          <div className="form-row">
            <Field label={t('planning.compareFrom')}>
              {(p) => (
                <select {...p} value={fromId} onChange={(e) => setFrom(e.target.value)}>
                  {list.map((v) => (
                    <option key={v.id} value={v.id}>
                      {v.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('planning.compareTo')}>
              {(p) => (
                <select {...p} value={to} onChange={(e) => setTo(e.target.value)}>
                  <option value={CURRENT}>{t('planning.currentDoc')}</option>
                  {list.map((v) => (
                    <option key={v.id} value={v.id}>
                      {v.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <button type="submit" className="btn btn-secondary btn-small" disabled={busy || !fromId}>
            {t('planning.showChanges')}
          </button>
        </form>
      )}
      {summary && (
        <div data-testid="change-summary">
          <p className="muted">
            {summary.from.name} → {summary.to.versionId ? summary.to.name : t('planning.currentDoc')}
          </p>
          {changed(summary).length === 0 ? (
            <p>{t('planning.noChanges')}</p>
          ) : (
            <ul>
              {changed(summary).map((c) => (
                <li key={c.code}>
                  {t('planning.changeLine', {
                    section: t(`planning.section.${c.code}`),
                    added: c.added,
                    removed: c.removed,
                  })}
                  {c.authors.length > 0 &&
                    ` (${c.authors
                      .filter((a) => a.added > 0 || a.removed > 0)
                      .map((a) => `${a.user.displayName} +${a.added}/−${a.removed}`)
                      .join(t('app.listSep'))})`}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
