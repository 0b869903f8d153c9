/**
 * Every Redis key camserver writes, in one place. All keys start with the configured
 * prefix so that several installations (and parallel test runs) can share one Redis.
 */

/** Builds the Redis key names of one installation. */
export class Keys {
  constructor(readonly prefix: string) {}

  /** ZSET of a camera's leases: member `<kind>:<id>`, score = expiry (epoch ms). */
  leases(cameraId: string): string {
    return `${this.prefix}:leases:${cameraId}`;
  }
  /** SET of camera ids that may hold leases (for the reconciler). */
  leasedCameras(): string {
    return `${this.prefix}:leased-cameras`;
  }
  /** The holder's fencing token of a camera: `SET NX PX`. */
  fence(cameraId: string): string {
    return `${this.prefix}:fence:${cameraId}`;
  }
  /** Epoch ms of the last stop request of a camera (camera deleted). */
  stopRequest(cameraId: string): string {
    return `${this.prefix}:stop:${cameraId}`;
  }
  /** Epoch ms of the last change of a camera's source settings (URL, credentials, network, engine). */
  sourceChange(cameraId: string): string {
    return `${this.prefix}:source-change:${cameraId}`;
  }
  /** HASH of the camera's pipeline state, written by its holder. */
  cameraStatus(cameraId: string): string {
    return `${this.prefix}:status:${cameraId}`;
  }
  /** HASH of an HLS session: camera_id, created_at, expires_at. */
  hlsSession(sessionId: string): string {
    return `${this.prefix}:hls:session:${sessionId}`;
  }
  /** The live HLS session id of a camera (viewers of one camera share it). */
  hlsCameraSession(cameraId: string): string {
    return `${this.prefix}:hls:camera:${cameraId}`;
  }
  /** Short lock (random token) around opening a camera's HLS session. */
  hlsSessionOpenLock(cameraId: string): string {
    return `${this.hlsCameraSession(cameraId)}:lock`;
  }
  /** ZSET of HLS session ids, score = lease expiry (epoch ms). */
  hlsSessions(): string {
    return `${this.prefix}:hls:sessions`;
  }
  /** HASH {text, edge}: the camera's current media playlist and its live edge (hls-edge.ts). */
  hlsPlaylist(cameraId: string): string {
    return `${this.prefix}:hls:playlist:${cameraId}`;
  }
  /** One HLS file's bytes: an init segment, a segment or a part (fMP4). */
  hlsSegment(cameraId: string, name: string): string {
    return `${this.prefix}:hls:segment:${cameraId}:${name}`;
  }
  /** Pub/sub channel of a camera's playlist updates (payload: the playlist's edge, JSON, or "ended"). */
  hlsPlaylistChannel(cameraId: string): string {
    return `${this.prefix}:hls:updates:${cameraId}`;
  }
  /** HASH {au: Annex-B IDR with SPS/PPS, at: epoch ms}: the camera's latest keyframe, written by its holder. */
  keyframe(cameraId: string): string {
    return `${this.prefix}:keyframe:${cameraId}`;
  }
  /** HASH {jpeg, at}: the latest JPEG decoded for the camera (any request). */
  snapshot(cameraId: string): string {
    return `${this.prefix}:snapshot:${cameraId}`;
  }
  /** HASH {jpeg, at}: the latest JPEG taken by periodic polling. */
  polledSnapshot(cameraId: string): string {
    return `${this.prefix}:snapshot-polled:${cameraId}`;
  }
  /** Pub/sub channel of a camera's WebRTC signalling (offers, closes) to its holder. */
  webrtcChannel(cameraId: string): string {
    return `${this.prefix}:webrtc:${cameraId}`;
  }
  /** A viewer's SDP offer on its way to the holder (short-lived; job data carries no SDP). */
  webrtcOffer(viewerId: string): string {
    return `${this.prefix}:webrtc:offer:${viewerId}`;
  }
  /** The holder's answer (or error) to one WebRTC offer, JSON. */
  webrtcAnswer(viewerId: string): string {
    return `${this.prefix}:webrtc:answer:${viewerId}`;
  }
  /** Camera id of a live WebRTC viewer (refreshed by its holder). */
  webrtcViewer(viewerId: string): string {
    return `${this.prefix}:webrtc:viewer:${viewerId}`;
  }
  /** Worker id of the holder whose WebRTC hub listens for a camera's offers. */
  webrtcHub(cameraId: string): string {
    return `${this.prefix}:webrtc:hub:${cameraId}`;
  }
  /** Short lock around the seed's "one recording per camera" check and the recording's creation. */
  recordingStartLock(cameraId: string): string {
    return `${this.prefix}:record:start-lock:${cameraId}`;
  }
  /** Marks a camera as recording for an event (`SET NX PX`, value the event id): src/api/event-recorder.ts. */
  eventRecording(cameraId: string): string {
    return `${this.prefix}:events:recording:${cameraId}`;
  }
  /** Pub/sub channel of new events (payload: the public event, JSON): src/api/event-hub.ts. */
  eventsChannel(): string {
    return `${this.prefix}:events:new`;
  }
  /** Pub/sub channel on which a wanted camera's id is published: src/state/camera-wanted.ts. */
  cameraWantedChannel(): string {
    return `${this.prefix}:camera-wanted`;
  }
  /** Pub/sub channel announcing camera registry changes (payload: camera id). */
  camerasChannel(): string {
    return `${this.prefix}:cameras-changed`;
  }
}
