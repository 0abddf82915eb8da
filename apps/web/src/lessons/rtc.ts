import type { LessonPresence, RtcIceServer, RtcSignal } from '@tongke/contracts';
import type { LessonSession } from './session';

export type LocalMediaProblem = 'no-device' | 'denied' | 'unsupported' | 'failed';

export interface RemoteMedia {
  peerId: string;
  classroomId: string | null;
  stream: MediaStream;
}

export interface AvView {
  /** The user turned on their camera/microphone (or tried to: see `problem`). */
  on: boolean;
  local: MediaStream | null;
  /** Why there is no local camera/microphone (receive-only then). */
  problem: LocalMediaProblem | null;
  audioOnly: boolean;
  remotes: RemoteMedia[];
}

interface Peer {
  pc: RTCPeerConnection;
  classroomId: string | null;
  /** ICE candidates that arrived before the remote description. */
  early: RTCIceCandidateInit[];
  stream: MediaStream | null;
}

/** A rural link carries a few hundred kbit/s: keep video small and slow. */
const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 640, max: 640 },
  height: { ideal: 360, max: 360 },
  frameRate: { ideal: 15, max: 15 },
};
const MAX_VIDEO_BITRATE = 250_000;

function problemOf(e: unknown): LocalMediaProblem {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') {
    return 'no-device';
  }
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  return 'failed';
}

/**
 * A minimal WebRTC star over the lesson's signalling relay: the host calls every classroom
 * device (it always makes the offer), each device answers. Without a camera or microphone (or
 * permission) a side still joins receive-only; without WebRTC at all the lesson goes on without A/V.
 */
export class RtcStar {
  private readonly peers = new Map<string, Peer>();
  private readonly listeners = new Set<() => void>();
  private view: AvView = { on: false, local: null, problem: null, audioOnly: false, remotes: [] };
  private readonly off: () => void;

  constructor(
    private readonly session: LessonSession,
    private readonly role: 'host' | 'classroom',
    private readonly iceServers: () => RtcIceServer[],
  ) {
    this.off = session.onSignal((s) => void this.onSignal(s));
  }

  static get supported(): boolean {
    return typeof window.RTCPeerConnection === 'function';
  }

  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  readonly getSnapshot = (): AvView => this.view;

  private set(patch: Partial<AvView>): void {
    this.view = { ...this.view, ...patch };
    for (const l of this.listeners) l();
  }

  /** Turns A/V on: asks for the camera and microphone (audio only if asked), degrades to receive-only. */
  async start(audioOnly: boolean): Promise<void> {
    if (!RtcStar.supported) {
      this.set({ on: false, problem: 'unsupported' });
      return;
    }
    this.set({ on: true, audioOnly });
    let local: MediaStream | null = null;
    let problem: LocalMediaProblem | null = null;
    if (!navigator.mediaDevices?.getUserMedia) {
      problem = 'unsupported';
    } else {
      try {
        local = await navigator.mediaDevices.getUserMedia({
          audio: { echoCancellation: true, noiseSuppression: true },
          video: audioOnly ? false : VIDEO_CONSTRAINTS,
        });
      } catch (e) {
        problem = problemOf(e);
        if (!audioOnly && problem === 'no-device') {
          // A room with a microphone but no camera still talks.
          try {
            local = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
            problem = null;
          } catch {
            // receive-only
          }
        }
      }
    }
    this.set({ local, problem });
    if (this.role === 'host') {
      // Call again with the new tracks (syncWith does, on the next presence or right after this).
      for (const p of this.peers.values()) p.pc.close();
      this.peers.clear();
      this.publishRemotes();
    } else if (local) {
      // Already receiving the host: add our camera/microphone and offer the change.
      for (const [peerId, p] of this.peers) {
        for (const t of local.getTracks()) p.pc.addTrack(t, local);
        void this.renegotiate(peerId, p);
      }
    }
  }

  private async renegotiate(peerId: string, p: Peer): Promise<void> {
    try {
      const offer = await p.pc.createOffer();
      await p.pc.setLocalDescription(offer);
      await this.session.signal({ to: peerId, kind: 'offer', data: JSON.stringify(offer) });
    } catch {
      // That peer keeps what it had.
    }
  }

  /** Stops our camera and microphone; the host also hangs up, a device keeps receiving the host. */
  stop(): void {
    for (const t of this.view.local?.getTracks() ?? []) t.stop();
    if (this.role === 'host') {
      for (const p of this.peers.values()) p.pc.close();
      this.peers.clear();
    } else {
      for (const p of this.peers.values())
        for (const s of p.pc.getSenders()) if (s.track) void s.replaceTrack(null).catch(() => undefined);
    }
    this.set({ on: false, local: null, problem: null });
    this.publishRemotes();
  }

  dispose(): void {
    this.stop();
    for (const p of this.peers.values()) p.pc.close();
    this.peers.clear();
    this.off();
    this.listeners.clear();
  }

  /** Audio only: the camera track is switched off (no renegotiation needed). */
  setAudioOnly(audioOnly: boolean): void {
    for (const t of this.view.local?.getVideoTracks() ?? []) t.enabled = !audioOnly;
    this.set({ audioOnly });
  }

  setMuted(muted: boolean): void {
    for (const t of this.view.local?.getAudioTracks() ?? []) t.enabled = !muted;
  }

  /** Host: calls each admitted classroom device it is not yet connected to; hangs up on those gone. */
  syncWith(presence: LessonPresence | null): void {
    if (this.role !== 'host' || !this.view.on || !presence) return;
    const devices = new Map<string, string>();
    for (const c of presence.classrooms) {
      if (!c.admitted) continue;
      for (const d of c.devices) devices.set(d.peerId, c.classroomId);
    }
    for (const [peerId, p] of this.peers) {
      if (!devices.has(peerId)) {
        p.pc.close();
        this.peers.delete(peerId);
      }
    }
    for (const [peerId, classroomId] of devices) {
      if (!this.peers.has(peerId)) void this.call(peerId, classroomId);
    }
    this.publishRemotes();
  }

  private newPeer(peerId: string, classroomId: string | null): Peer {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers() });
    const peer: Peer = { pc, classroomId, early: [], stream: null };
    this.peers.set(peerId, peer);
    pc.onicecandidate = (e) => {
      if (e.candidate) {
        void this.session.signal({ to: peerId, kind: 'ice', data: JSON.stringify(e.candidate.toJSON()) });
      }
    };
    pc.ontrack = (e) => {
      peer.stream = e.streams[0] ?? peer.stream ?? new MediaStream();
      if (!e.streams[0]) peer.stream.addTrack(e.track);
      this.publishRemotes();
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
        if (this.peers.get(peerId)?.pc === pc) this.peers.delete(peerId);
        this.publishRemotes();
      }
    };
    const local = this.view.local;
    const hasAudio = !!local?.getAudioTracks().length;
    const hasVideo = !!local?.getVideoTracks().length;
    for (const t of local?.getTracks() ?? []) pc.addTrack(t, local as MediaStream);
    if (this.role === 'host') {
      // Receive the room's camera and microphone even when sending nothing ourselves.
      if (!hasAudio) pc.addTransceiver('audio', { direction: 'recvonly' });
      if (!hasVideo) pc.addTransceiver('video', { direction: 'recvonly' });
    }
    return peer;
  }

  private async call(peerId: string, classroomId: string): Promise<void> {
    const peer = this.newPeer(peerId, classroomId);
    try {
      const offer = await peer.pc.createOffer();
      await peer.pc.setLocalDescription(offer);
      const ok = await this.session.signal({ to: peerId, kind: 'offer', data: JSON.stringify(offer) });
      if (!ok) throw new Error('not delivered');
    } catch {
      peer.pc.close();
      if (this.peers.get(peerId) === peer) this.peers.delete(peerId);
    }
  }

  private async onSignal(s: RtcSignal): Promise<void> {
    try {
      if (s.kind === 'offer') {
        // The host always calls afresh; a device answers whether or not it sends media itself.
        // A device only renegotiates (it added its camera): the host answers on that connection.
        let peer: Peer | undefined;
        if (this.role === 'classroom') {
          this.peers.get(s.from)?.pc.close();
          peer = this.newPeer(s.from, null);
        } else {
          peer = this.peers.get(s.from);
          if (!peer) return;
        }
        await peer.pc.setRemoteDescription(JSON.parse(s.data) as RTCSessionDescriptionInit);
        await this.flushEarly(peer);
        const answer = await peer.pc.createAnswer();
        await peer.pc.setLocalDescription(answer);
        await this.session.signal({ to: s.from, kind: 'answer', data: JSON.stringify(answer) });
        limitBitrate(peer.pc);
      } else if (s.kind === 'answer') {
        const peer = this.peers.get(s.from);
        if (!peer) return;
        await peer.pc.setRemoteDescription(JSON.parse(s.data) as RTCSessionDescriptionInit);
        await this.flushEarly(peer);
        limitBitrate(peer.pc);
      } else {
        const peer = this.peers.get(s.from);
        if (!peer) return;
        const c = JSON.parse(s.data) as RTCIceCandidateInit;
        if (peer.pc.remoteDescription) await peer.pc.addIceCandidate(c);
        else peer.early.push(c);
      }
    } catch {
      // A broken negotiation leaves that peer without media; the lesson itself goes on.
    }
  }

  private async flushEarly(peer: Peer): Promise<void> {
    for (const c of peer.early.splice(0)) await peer.pc.addIceCandidate(c).catch(() => undefined);
  }

  private publishRemotes(): void {
    const remotes: RemoteMedia[] = [];
    for (const [peerId, p] of this.peers) {
      if (p.stream) remotes.push({ peerId, classroomId: p.classroomId, stream: p.stream });
    }
    this.set({ remotes });
  }
}

function limitBitrate(pc: RTCPeerConnection): void {
  for (const sender of pc.getSenders()) {
    if (sender.track?.kind !== 'video') continue;
    const params = sender.getParameters();
    if (!params.encodings?.length) continue;
    params.encodings[0].maxBitrate = MAX_VIDEO_BITRATE;
    sender.setParameters(params).catch(() => undefined);
  }
}
