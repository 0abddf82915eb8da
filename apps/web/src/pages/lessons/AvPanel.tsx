import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RtcStar, type AvView } from '../../lessons/rtc';

function Video({ stream, muted, label }: { stream: MediaStream; muted?: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return (
    <figure className="av-video">
      <video ref={ref} autoPlay playsInline muted={muted} aria-label={label} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

/**
 * Audio and video of the lesson: turn the camera and microphone on (or audio only), see who is
 * connected. Without a camera, a microphone or permission the page says so and keeps receiving.
 */
export function AvPanel({
  view,
  onStart,
  onStop,
  onAudioOnly,
  classroomName,
  remoteLabel,
  muted,
  big = false,
}: {
  view: AvView;
  onStart: (audioOnly: boolean) => void;
  onStop: () => void;
  onAudioOnly: (on: boolean) => void;
  classroomName?: (id: string) => string;
  /** How to name a remote stream that is not a classroom (the host, on the big screen). */
  remoteLabel?: string;
  /** The host muted this classroom. */
  muted: boolean;
  big?: boolean;
}) {
  const { t } = useTranslation();
  const [audioOnly, setAudioOnly] = useState(false);
  const supported = RtcStar.supported;
  return (
    <section
      className={`lesson-panel av${big ? ' av-big' : ''}`}
      aria-labelledby="av-title"
      data-testid="av-panel"
    >
      <h2 id="av-title">{t('lessons.av.title')}</h2>
      {!supported && <p className="info">{t('lessons.av.unsupported')}</p>}
      {supported && (
        <div className="actions">
          {!view.on ? (
            <button
              type="button"
              className="btn btn-secondary"
              data-testid="av-start"
              onClick={() => onStart(audioOnly)}
            >
              {t('lessons.av.start')}
            </button>
          ) : (
            <button type="button" className="btn btn-ghost" onClick={onStop}>
              {t('lessons.av.stop')}
            </button>
          )}
          <label className="inline-check">
            <input
              type="checkbox"
              checked={view.on ? view.audioOnly : audioOnly}
              onChange={(e) => {
                setAudioOnly(e.target.checked);
                if (view.on) onAudioOnly(e.target.checked);
              }}
              data-testid="av-audio-only"
            />{' '}
            {t('lessons.av.audioOnly')}
          </label>
        </div>
      )}
      {view.problem && (
        <p className="alert alert-info av-problem" role="status" data-testid="av-problem">
          {t(`lessons.av.problem.${view.problem}`)}
        </p>
      )}
      {muted && <p className="info">{t('lessons.av.mutedByHost')}</p>}
      <div className="av-grid">
        {view.local && view.local.getVideoTracks().length > 0 && !view.audioOnly && (
          <Video stream={view.local} muted label={t('lessons.av.me')} />
        )}
        {view.remotes.map((r) => (
          <Video
            key={r.peerId}
            stream={r.stream}
            label={r.classroomId ? (classroomName?.(r.classroomId) ?? '') : (remoteLabel ?? '')}
          />
        ))}
      </div>
      {view.on && view.remotes.length === 0 && <p className="muted">{t('lessons.av.waiting')}</p>}
    </section>
  );
}
