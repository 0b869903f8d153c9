/**
 * What each route takes and answers, for `/openapi.json` (src/api/openapi-docs.ts): summary,
 * parameters, request body, answers with their content types, and error codes. The routes
 * read and check their bodies themselves (typed errors with the field, 422), so these are
 * documentation only and validate nothing. Raw bodies (WHEP SDP, HLS files, JPEG, MP4,
 * recordings) are described by content type. The words follow the README's API table;
 * test/integration/openapi.test.ts keeps this table and the app's routes in step.
 */

type Schema = Record<string, unknown>;
type Operation = Record<string, unknown>;

const str = { type: "string" };
const int = { type: "integer" };
const num = { type: "number" };
const bool = { type: "boolean" };
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: "object", properties, ...(required.length ? { required } : {}) });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, schema: Schema = { type: "object" }) => ({ description, content: { "application/json": { schema } } });
const raw = (description: string, type: string) => ({ description, content: { [type]: { schema: { type: "string", format: "binary" } } } });
const jsonBody = (schema: Schema) => ({ required: true, content: { "application/json": { schema } } });
const path = (...names: string[]) => names.map((name) => ({ name, in: "path", required: true, schema: str }));
const query = (names: Record<string, string>, required: string[] = []) =>
  Object.entries(names).map(([name, description]) => ({ name, in: "query", required: required.includes(name), description, schema: str }));

/** Error answers by status (the README's status codes); every error body is `{error, field?}`. */
const MEANING: Record<number, string> = {
  400: "malformed JSON or SDP, bad parameters",
  401: "no or unknown token",
  403: "the token's role may not do this",
  404: "unknown camera, session or recording",
  405: "method not allowed",
  409: "conflict: duplicate id, not idle, already recording",
  413: "body too large",
  415: "wrong Content-Type",
  416: "range past the end",
  422: "a field is wrong (`field` names it)",
  502: "the camera refused (connection, credentials, stream)",
  503: "a limit was reached, or Redis or the database is unreachable",
  504: "the camera did not answer in time",
  507: "recording files cannot be written",
};
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, json(MEANING[c]!, ref("Error"))]));
const v1 = (...codes: number[]) => errors(401, 403, ...codes);
const pub = { security: [] };

/** Schemas the operations refer to. */
export const OPENAPI_SCHEMAS: Record<string, Schema> = {
  Error: obj({ error: str, field: str }, ["error"]),
  CameraInput: obj({
    id: str,
    name: str,
    source_url: str,
    username: str,
    password: { type: "string", writeOnly: true },
    network: { type: "string", enum: ["local", "vpn"] },
    snapshot_interval_s: int,
    max_viewers: int,
    source_engine: { type: "string", enum: ["auto", "native", "ffmpeg"] },
    worker_tag: { type: "string", nullable: true },
    record: { type: "object" },
    retention: { type: "object" },
  }),
  Camera: obj({
    id: str,
    name: str,
    source_url: str,
    username: str,
    network: str,
    snapshot_interval_s: int,
    max_viewers: int,
    source_engine: str,
    worker_tag: str,
    state: { type: "string", enum: ["idle", "connecting", "live", "retrying"] },
    since: str,
    last_error: { type: "object", nullable: true },
    consumers: { type: "object" },
    holder: str,
  }),
  Session: obj({ session_id: str, hls_url: str, expires_at: str }),
  Recording: obj({
    id: str,
    camera_id: str,
    format: { type: "string", enum: ["fmp4", "h264"] },
    trigger: str,
    state: str,
    error: str,
    filename: str,
    file_url: str,
    started_at: str,
    ended_at: str,
    stop_at: str,
    max_duration_s: int,
    segment_s: int,
    bytes: int,
    frames: int,
    duration_ms: int,
    part_count: int,
    parts: { type: "array", items: { type: "object" } },
  }),
  Event: obj({
    id: int,
    camera_id: str,
    kind: str,
    label: str,
    score: num,
    at: str,
    received_at: str,
    source: str,
    recording: { type: "object", nullable: true },
  }),
  ProbeResult: obj({ ok: bool, rtsp_status: int, codec: str, profile: str, width: int, height: int, fps: num, elapsed_ms: int, error: str }),
  RecordingSettings: obj({
    record: obj({ mode: { type: "string", enum: ["off", "continuous", "schedule"] }, cron: str, segment_s: int, format: str }),
    retention: obj({ max_age_h: num, max_bytes: int }),
  }),
};

const sdp = { required: true, content: { "application/sdp": { schema: str } } };
const seedRecordingQuery = query({ camera_id: "the camera" }, ["camera_id"]);
const boardOp: Operation = {
  summary: "Bull Board (HTTP Basic, password = a token; an admin's writes from the board's own origin)",
  security: [],
  responses: { 200: { description: "the board's page, assets or JSON" }, ...errors(401, 403) },
};
const asset = (type: string): Operation => ({ ...pub, summary: "The console's bundled asset", responses: { 200: raw("the asset", type) } });

/** OpenAPI path items by OpenAPI path. */
export const OPENAPI_PATHS: Record<string, Record<string, Operation>> = {
  "/health": { get: { ...pub, summary: "200 as soon as the process serves", responses: { 200: json("serving", obj({ status: str })) } } },
  "/ready": {
    get: {
      ...pub,
      summary: "Redis and the database answer (for load balancers)",
      responses: {
        200: json("ready", obj({ status: str, redis: str, database: str })),
        503: json("not ready, naming which", obj({ status: str, redis: str, database: str, error: str })),
      },
    },
  },
  "/metrics": { get: { ...pub, summary: "Prometheus metrics", responses: { 200: raw("text exposition format", "text/plain") } } },
  "/": { get: { ...pub, summary: "The operator console", responses: { 200: raw("HTML page", "text/html") } } },
  "/assets/app.js": { get: asset("text/javascript") },
  "/assets/app.css": { get: asset("text/css") },
  "/assets/hls.min.js": { get: asset("text/javascript") },
  "/hls/{sessionId}/{file}": {
    get: {
      ...pub,
      summary: "LL-HLS playlist (`index.m3u8`, blocking reload with `_HLS_msn`/`_HLS_part`), init segment, segment or part; the session id is the capability",
      parameters: [
        ...path("sessionId", "file"),
        ...query({ _HLS_msn: "media sequence number to wait for", _HLS_part: "part index to wait for (with _HLS_msn)" }),
      ],
      responses: {
        200: {
          description: "playlist or media",
          content: { "application/vnd.apple.mpegurl": { schema: str }, "video/mp4": { schema: { type: "string", format: "binary" } } },
        },
        ...errors(400, 404, 503),
      },
    },
  },
  "/v1/cameras": {
    get: { summary: "Cameras with their state", responses: { 200: json("cameras", { type: "array", items: ref("Camera") }), ...v1() } },
    post: {
      summary: "Add a camera (admin); credentials in `source_url` move to username/password",
      requestBody: jsonBody(ref("CameraInput")),
      responses: { 201: json("the camera", ref("Camera")), ...v1(400, 409, 413, 422) },
    },
  },
  "/v1/cameras/{id}": {
    get: { summary: "One camera with its state", parameters: path("id"), responses: { 200: json("the camera", ref("Camera")), ...v1(404) } },
    patch: {
      summary: "Change a camera (admin)",
      parameters: path("id"),
      requestBody: jsonBody(ref("CameraInput")),
      responses: { 200: json("the camera", ref("Camera")), ...v1(400, 404, 413, 422) },
    },
    delete: {
      summary: "Delete a camera and stop its pipeline at once (admin)",
      parameters: path("id"),
      responses: { 204: { description: "deleted" }, ...v1(404) },
    },
  },
  "/v1/cameras/test": {
    post: {
      summary: "Probe a camera that is not saved (admin): one ffprobe",
      requestBody: jsonBody(obj({ source_url: str, username: str, password: str, network: str }, ["source_url"])),
      responses: { 200: json("probe result", ref("ProbeResult")), ...v1(400, 422) },
    },
  },
  "/v1/cameras/{id}/test": {
    post: {
      summary: "Probe a saved camera with changed fields (admin)",
      parameters: path("id"),
      requestBody: jsonBody(ref("CameraInput")),
      responses: { 200: json("probe result", ref("ProbeResult")), ...v1(400, 404, 409, 422) },
    },
  },
  "/v1/streams/start": {
    post: {
      summary: "Start or join the camera's HLS session; answers once the playlist has a segment",
      requestBody: jsonBody(obj({ camera_id: str }, ["camera_id"])),
      responses: { 200: json("the session", ref("Session")), ...v1(400, 404, 422, 502, 503, 504) },
    },
  },
  "/v1/streams/stop": {
    post: {
      summary: "Stop an HLS session",
      requestBody: jsonBody(obj({ session_id: str }, ["session_id"])),
      responses: { 200: json("stopped", obj({ status: str })), ...v1(400, 404, 422) },
    },
  },
  "/v1/streams": { get: { summary: "Active HLS sessions", responses: { 200: json("sessions", { type: "array", items: { type: "object" } }), ...v1() } } },
  "/v1/cameras/{id}/snapshot": {
    get: {
      summary: "JPEG from the live pipeline's cached keyframe (header `X-Snapshot-At`)",
      parameters: [...path("id"), ...query({ max_age_ms: "answer a stored JPEG this young without decoding" })],
      responses: { 200: raw("the picture", "image/jpeg"), ...v1(404, 422, 502, 503, 504) },
    },
  },
  "/v1/cameras/{id}/snapshot/latest": {
    get: {
      summary: "The latest polled JPEG, without touching the camera",
      parameters: path("id"),
      responses: { 200: raw("the picture", "image/jpeg"), ...v1(404) },
    },
  },
  "/v1/cameras/{id}/whep": {
    post: {
      summary: "WHEP: a recvonly SDP offer; the answer carries every server candidate (no trickle)",
      parameters: path("id"),
      requestBody: sdp,
      responses: {
        201: {
          description: "the answer SDP; `Location` names the session",
          headers: { Location: { schema: str } },
          content: { "application/sdp": { schema: str } },
        },
        ...v1(400, 404, 413, 415, 502, 503, 504),
      },
    },
    options: {
      ...pub,
      summary: "CORS preflight (`Accept-Post: application/sdp`)",
      parameters: path("id"),
      responses: { 204: { description: "preflight answer" } },
    },
  },
  "/v1/cameras/{id}/whep/{viewerId}": {
    delete: { summary: "End the WebRTC session", parameters: path("id", "viewerId"), responses: { 200: { description: "ended" }, ...v1(404) } },
    patch: { summary: "Trickle ICE: not supported", parameters: path("id", "viewerId"), responses: errors(405) },
    options: { ...pub, summary: "CORS preflight", parameters: path("id", "viewerId"), responses: { 204: { description: "preflight answer" } } },
  },
  "/api/webrtc/offer": {
    post: {
      summary: "The seed's JSON WebRTC signalling",
      parameters: seedRecordingQuery,
      requestBody: jsonBody(obj({ type: str, sdp: str }, ["type", "sdp"])),
      responses: { 200: json("the answer", obj({ type: str, sdp: str })), ...v1(400, 404, 422, 502, 503, 504) },
    },
  },
  "/v1/recordings": {
    post: {
      summary: "Start a recording (admin); answers once its first frames are on disk",
      requestBody: jsonBody(obj({ camera_id: str, max_duration_s: int, format: { type: "string", enum: ["fmp4", "h264"] } }, ["camera_id"])),
      responses: { 201: json("the recording", ref("Recording")), ...v1(400, 404, 422, 502, 504, 507) },
    },
    get: {
      summary: "Recordings overlapping a span, newest first, without `parts`",
      parameters: query({ camera_id: "the camera", from: "ISO 8601 or epoch ms", to: "ISO 8601 or epoch ms" }),
      responses: { 200: json("recordings", { type: "array", items: ref("Recording") }), ...v1(422) },
    },
  },
  "/v1/recordings/{id}": {
    get: { summary: "A recording with its parts", parameters: path("id"), responses: { 200: json("the recording", ref("Recording")), ...v1(404) } },
    delete: { summary: "Delete a recording and its files (admin)", parameters: path("id"), responses: { 204: { description: "deleted" }, ...v1(404, 409) } },
  },
  "/v1/recordings/{id}/stop": {
    post: {
      summary: "Stop a recording (admin); answers once its last segment is on disk",
      parameters: path("id"),
      responses: { 200: json("the recording, done", ref("Recording")), ...v1(404, 409) },
    },
  },
  "/v1/recordings/{id}/file": {
    get: {
      summary: "The recording as one file; `Range` answered 206",
      parameters: path("id"),
      responses: {
        200: {
          description: "one MP4 or Annex-B stream",
          content: { "video/mp4": { schema: { type: "string", format: "binary" } }, "video/h264": { schema: { type: "string", format: "binary" } } },
        },
        206: raw("the asked range", "video/mp4"),
        ...v1(404, 416),
      },
    },
  },
  "/v1/cameras/{id}/playback": {
    get: {
      summary: "One MP4 covering a span from the camera's fMP4 segments (header `X-Playback-Start`)",
      parameters: [...path("id"), ...query({ start: "ISO 8601", duration_s: "seconds" }, ["start", "duration_s"])],
      responses: { 200: raw("the MP4", "video/mp4"), ...v1(404, 422) },
    },
  },
  "/v1/cameras/{id}/recording-settings": {
    get: {
      summary: "The camera's recording and retention settings",
      parameters: path("id"),
      responses: { 200: json("the settings", ref("RecordingSettings")), ...v1(404) },
    },
    put: {
      summary: "Change the fields given (admin)",
      parameters: path("id"),
      requestBody: jsonBody(ref("RecordingSettings")),
      responses: { 200: json("the settings", ref("RecordingSettings")), ...v1(404, 422) },
    },
  },
  "/api/recording/start": {
    post: {
      summary: "The seed's recording start (one `.h264` recording per camera)",
      parameters: seedRecordingQuery,
      requestBody: { required: false, content: { "application/json": { schema: obj({ filename: str }) } } },
      responses: { 200: json("recording", obj({ status: str, filename: str })), ...v1(404, 409, 422, 502, 504, 507) },
    },
  },
  "/api/recording/stop": {
    post: {
      summary: "The seed's recording stop",
      parameters: seedRecordingQuery,
      responses: { 200: json("stopped", obj({ status: str, filename: str, frame_count: int, bytes_written: int, duration: num })), ...v1(404, 409, 422) },
    },
  },
  "/api/recording/status": {
    get: { summary: "The running recording or `{recording: false}`", parameters: seedRecordingQuery, responses: { 200: json("status"), ...v1(404, 422) } },
  },
  "/v1/me": { get: { summary: "Name and role of the token", responses: { 200: json("the token", obj({ name: str, role: str })), ...errors(401) } } },
  "/v1/events": {
    post: {
      summary: "Record an event (admin); pushed to every console",
      requestBody: jsonBody(obj({ camera_id: str, kind: str, label: str, score: num, at: str }, ["camera_id", "kind"])),
      responses: { 201: json("the event", ref("Event")), ...v1(404, 422) },
    },
    get: {
      summary: "Events, newest first",
      parameters: query({
        camera_id: "the camera",
        since: "ISO 8601 or epoch ms",
        until: "ISO 8601 or epoch ms",
        after_id: "events after this id",
        limit: "at most 1000 (default 100)",
      }),
      responses: { 200: json("events", { type: "array", items: ref("Event") }), ...v1(422) },
    },
  },
  "/v1/cameras/{id}/event-settings": {
    get: {
      summary: "Seconds recorded after each new event of the camera",
      parameters: path("id"),
      responses: { 200: json("settings", obj({ record_s: int })), ...v1(404) },
    },
    put: {
      summary: "Change them (0: off, at most 3600)",
      parameters: path("id"),
      requestBody: jsonBody(obj({ record_s: int }, ["record_s"])),
      responses: { 200: json("settings", obj({ record_s: int })), ...v1(404, 422) },
    },
  },
  "/v1/tokens": {
    get: { summary: "Tokens (admin)", responses: { 200: json("tokens", { type: "array", items: { type: "object" } }), ...v1() } },
    post: {
      summary: "Create a token (admin); the plain token is answered once",
      requestBody: jsonBody(obj({ name: str, role: { type: "string", enum: ["viewer", "admin"] } }, ["name", "role"])),
      responses: { 201: json("the token"), ...v1(409, 422) },
    },
  },
  "/v1/tokens/{id}/revoke": { post: { summary: "Revoke a token (admin)", parameters: path("id"), responses: { 200: json("the token"), ...v1(404, 422) } } },
  "/admin/queues": Object.fromEntries(["get", "post", "put", "delete", "patch", "head", "options", "trace"].map((m) => [m, boardOp])),
  "/admin/queues/*": Object.fromEntries(["get", "post", "put", "delete", "patch", "head", "options", "trace"].map((m) => [m, boardOp])),
};
