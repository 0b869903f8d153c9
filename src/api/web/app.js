// camserver viewer page. Opens no camera connection by itself: a stream starts only when
// a camera's modal is opened and stops when it is closed (or the page goes away).
"use strict";
const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromHash) {
  localStorage.setItem("camserver-token", fromHash);
  history.replaceState(null, "", location.pathname);
}
let token = localStorage.getItem("camserver-token") || "";
let current = null; // { sessionId, hls }

const $ = (id) => document.getElementById(id);

async function api(method, path, body, keepalive = false) {
  const res = await fetch(path, {
    method,
    keepalive,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
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

async function openViewer(cam) {
  const dialog = $("viewer");
  $("viewer-title").textContent = cam.name;
  $("viewer-msg").textContent = "starting…";
  dialog.showModal();
  try {
    const started = await api("POST", "/v1/streams/start", { camera_id: cam.id });
    if (!dialog.open) return stopSession(started.session_id);
    const video = $("video");
    let hls = null;
    if (window.Hls && Hls.isSupported()) {
      hls = new Hls({ liveSyncDurationCount: 2, lowLatencyMode: false });
      hls.loadSource(started.hls_url);
      hls.attachMedia(video);
    } else {
      video.src = started.hls_url;
    }
    current = { sessionId: started.session_id, hls };
    dialog.dataset.session = started.session_id;
    $("viewer-msg").textContent = "";
    video.play().catch(() => {});
  } catch (err) {
    $("viewer-msg").textContent = err.message;
  }
}

function stopSession(sessionId, keepalive = false) {
  return api("POST", "/v1/streams/stop", { session_id: sessionId }, keepalive).catch(() => {});
}

function closeViewer(keepalive = false) {
  const video = $("video");
  if (current) {
    current.hls?.destroy();
    stopSession(current.sessionId, keepalive);
    current = null;
  }
  video.removeAttribute("src");
  video.load();
  delete $("viewer").dataset.session;
}

$("close").addEventListener("click", () => $("viewer").close());
$("viewer").addEventListener("close", () => closeViewer());
addEventListener("pagehide", () => closeViewer(true));
$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  token = $("token-input").value.trim();
  localStorage.setItem("camserver-token", token);
  loadCameras();
});
loadCameras();
