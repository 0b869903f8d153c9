// camserver viewer page. Opens no camera connection by itself: a stream starts only when
// a camera's modal is opened and stops when it is closed (or the page goes away).
// The modal plays WebRTC (WHEP, no trickle) and falls back to HLS (hls.js) when WebRTC
// fails: WHEP refused, no decoded frame within 4 s, or the connection failed.
// `#mode=hls` in the address forces HLS. window.__camserver shows the player to tests.
"use strict";
const hashParams = () => new URLSearchParams(location.hash.slice(1));
{
  const p = hashParams();
  const t = p.get("token");
  if (t) {
    localStorage.setItem("camserver-token", t);
    p.delete("token");
    const rest = p.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
  }
}
let token = localStorage.getItem("camserver-token") || "";
/** The open viewer: { cam, closed, pc, whepUrl, sessionId, hls }. */
let current = null;
const ICE_GATHER_MS = 2000;
const FIRST_FRAME_MS = 4000;
const LIST_REFRESH_MS = 15000;
/** What plays, for tests and curious operators: mode, pc, whepUrl, fallback; openedAt, whepPostAt, answerAt, connectedAt, firstFrameAt (performance.now()). */
const debug = (window.__camserver = {});

const $ = (id) => document.getElementById(id);
const auth = () => ({ authorization: `Bearer ${token}` });

async function api(method, path, body, keepalive = false) {
  const res = await fetch(path, {
    method,
    keepalive,
    headers: { ...auth(), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw Object.assign(new Error((data && data.error) || res.statusText), { status: res.status });
  return data;
}

async function loadCameras() {
  try {
    const cams = await api("GET", "/v1/cameras");
    $("token-form").hidden = true;
    const list = $("cameras");
    list.replaceChildren(
      ...cams.map((c) => {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.camera = c.id;
        b.textContent = c.name;
        const s = document.createElement("small");
        s.textContent = `${c.id} · ${c.state}`;
        b.append(s);
        b.addEventListener("click", () => openViewer(c));
        li.append(b);
        return li;
      }),
    );
    $("status").textContent = `${cams.length} camera(s)`;
  } catch (err) {
    if (err.status === 401) $("token-form").hidden = false;
    $("status").textContent = err.message;
  }
}

function setMode(mode, title = "") {
  const label = $("viewer-mode");
  label.textContent = mode === "webrtc" ? "WebRTC" : mode === "hls" ? "HLS" : "";
  label.title = title;
  label.hidden = !mode;
  debug.mode = mode;
}

async function openViewer(cam) {
  if (current) closeViewer();
  const v = (current = { cam, closed: false, pc: null, whepUrl: null, sessionId: null, hls: null });
  for (const k of Object.keys(debug)) delete debug[k];
  debug.openedAt = performance.now();
  $("viewer-title").textContent = cam.name;
  $("viewer-msg").textContent = "starting…";
  setMode(null);
  $("viewer").showModal();
  if (hashParams().get("mode") !== "hls") {
    try {
      await playWebRtc(v);
      return;
    } catch (err) {
      if (v.closed) return;
      endWebRtc(v);
      return playHls(v, `WebRTC failed: ${err.message}`);
    }
  }
  return playHls(v);
}

/** Resolves when ICE gathering is complete or after `ms`, whichever is first. */
function iceGathered(pc, ms) {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    const timer = setTimeout(resolve, ms);
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") clearTimeout(timer), resolve();
    });
  });
}

/** Resolves with performance.now() at the first decoded frame; rejects after `ms` or when the connection fails. */
function firstFrame(pc, video, ms) {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err, by) => {
      if (done) return;
      debug.firstFrameBy = by;
      done = true;
      clearTimeout(timer);
      clearInterval(poll);
      pc.removeEventListener("connectionstatechange", onState);
      err ? reject(err) : resolve(performance.now());
    };
    const timer = setTimeout(() => finish(new Error(`no video within ${ms / 1000} s`)), ms);
    const onState = () => ["failed", "closed"].includes(pc.connectionState) && finish(new Error(`connection ${pc.connectionState}`));
    pc.addEventListener("connectionstatechange", onState);
    video.requestVideoFrameCallback?.(() => finish(null, "requestVideoFrameCallback"));
    const poll = setInterval(async () => {
      if (pc.signalingState === "closed") return finish(new Error("closed"));
      if (!video.srcObject) return; // decoded but not attached (no track event) is no picture
      const stats = await pc.getStats().catch(() => null);
      stats?.forEach((s) => s.type === "inbound-rtp" && s.kind === "video" && s.framesDecoded > 0 && finish(null, "getStats"));
    }, 50);
  });
}

async function playWebRtc(v) {
  const video = $("video");
  const pc = (v.pc = debug.pc = new RTCPeerConnection());
  pc.addTransceiver("video", { direction: "recvonly" });
  pc.addEventListener("connectionstatechange", () => pc.connectionState === "connected" && (debug.connectedAt ??= performance.now()));
  pc.addEventListener("track", (e) => {
    if (current !== v) return;
    video.srcObject = e.streams[0] || new MediaStream([e.track]);
    video.play().catch(() => {});
  });
  await pc.setLocalDescription(await pc.createOffer());
  await iceGathered(pc, ICE_GATHER_MS);
  if (v.closed) throw new Error("closed");
  debug.whepPostAt = performance.now();
  const res = await fetch(`/v1/cameras/${encodeURIComponent(v.cam.id)}/whep`, {
    method: "POST",
    headers: { ...auth(), "content-type": "application/sdp" },
    body: pc.localDescription.sdp,
  });
  debug.answerAt = performance.now();
  if (res.status !== 201) {
    const data = await res.json().catch(() => null);
    throw new Error(`WHEP ${res.status} ${(data && data.error) || res.statusText}`);
  }
  const where = res.headers.get("location");
  if (where) v.whepUrl = debug.whepUrl = new URL(where, location.href).href;
  if (v.closed) {
    endWebRtc(v);
    throw new Error("closed");
  }
  if (!where) throw new Error("WHEP answer without Location");
  await pc.setRemoteDescription({ type: "answer", sdp: await res.text() });
  debug.firstFrameAt = await firstFrame(pc, video, FIRST_FRAME_MS);
  if (v.closed) throw new Error("closed");
  $("viewer-msg").textContent = "";
  setMode("webrtc");
  pc.addEventListener("connectionstatechange", () => {
    if (pc.connectionState !== "failed" || current !== v || v.pc !== pc) return;
    endWebRtc(v);
    playHls(v, "WebRTC connection failed");
  });
  loadCameras();
}

/** Ends the WHEP session (DELETE, keepalive so it survives page unload) and the peer. */
function endWebRtc(v) {
  if (v.whepUrl) fetch(v.whepUrl, { method: "DELETE", keepalive: true, headers: auth() }).catch(() => {});
  v.pc?.close();
  v.whepUrl = v.pc = null;
  const video = $("video");
  if (video.srcObject) video.srcObject = null;
}

async function playHls(v, fallback = "") {
  debug.fallback = fallback || undefined;
  if (fallback) console.warn(`camserver: ${fallback}; playing HLS`);
  try {
    const started = await api("POST", "/v1/streams/start", { camera_id: v.cam.id });
    v.sessionId = started.session_id;
    if (v.closed) return endHls(v);
    const video = $("video");
    if (window.Hls && Hls.isSupported()) {
      // LL-HLS: blocking playlist reloads and parts; the playlist's PART-HOLD-BACK sets the latency.
      v.hls = new Hls({ lowLatencyMode: true, backBufferLength: 10 });
      v.hls.loadSource(started.hls_url);
      v.hls.attachMedia(video);
    } else {
      video.src = started.hls_url;
    }
    $("viewer").dataset.session = started.session_id;
    $("viewer-msg").textContent = "";
    setMode("hls", fallback);
    video.play().catch(() => {});
    loadCameras();
  } catch (err) {
    if (!v.closed) $("viewer-msg").textContent = err.message;
  }
}

function endHls(v, keepalive = false) {
  v.hls?.destroy();
  if (v.sessionId) api("POST", "/v1/streams/stop", { session_id: v.sessionId }, keepalive).catch(() => {});
  v.hls = v.sessionId = null;
}

function closeViewer(keepalive = false) {
  const v = current;
  current = null;
  if (v) {
    v.closed = true;
    endWebRtc(v);
    endHls(v, keepalive);
  }
  const video = $("video");
  video.srcObject = null;
  video.removeAttribute("src");
  video.load();
  delete $("viewer").dataset.session;
  setMode(null);
  if (v && !keepalive) loadCameras();
}

$("close").addEventListener("click", () => $("viewer").close());
$("viewer").addEventListener("close", () => closeViewer());
addEventListener("pagehide", () => closeViewer(true));
addEventListener("pageshow", (e) => e.persisted && $("viewer").open && $("viewer").close());
$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  token = $("token-input").value.trim();
  localStorage.setItem("camserver-token", token);
  loadCameras();
});
setInterval(() => document.visibilityState === "visible" && token && loadCameras(), LIST_REFRESH_MS);
loadCameras();
