/**
 * The admin's camera form: add or edit a camera (`POST`/`PATCH /v1/cameras`), its event
 * setting `record_s` (`PUT /v1/cameras/:id/event-settings`), and the connection test
 * (`POST /v1/cameras/test` before adding, `/v1/cameras/:id/test` for a stored camera)
 * that shows codec, resolution, frame rate and the camera's RTSP status. On edit an empty
 * password field keeps the stored password; "Remove password" clears it.
 */
import { api, seg } from "./api.ts";
import { byId, h, say } from "./dom.ts";
import type { CameraTestResult, CameraView } from "./types.ts";

const field = (id: string) => byId<HTMLInputElement>(id);

/** The test result as a definition list. */
export function testResultView(r: CameraTestResult): HTMLElement {
  const row = (k: string, v: string) => [h("dt", {}, k), h("dd", {}, v)];
  return h(
    "dl",
    { class: r.ok ? "test-ok" : "test-failed" },
    ...row("Result", r.ok ? "video found" : `failed: ${r.error ?? "unknown"}`),
    ...row("RTSP status", r.rtsp_status ?? "—"),
    ...row("Codec", r.codec ? `${r.codec}${r.profile ? ` (${r.profile})` : ""}` : "—"),
    ...row("Resolution", r.width && r.height ? `${r.width}×${r.height}` : "—"),
    ...row("Frame rate", r.fps ? `${r.fps} fps` : "—"),
    ...row("Took", `${(r.elapsed_ms / 1000).toFixed(1)} s`),
  );
}

/** The form; `onSaved` refreshes the camera lists. */
export class CameraForm {
  private editing: CameraView | null = null;
  private readonly form = byId<HTMLFormElement>("camera-form");
  private readonly status = byId("cam-form-status");

  constructor(private readonly onSaved: () => void) {
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.save();
    });
    byId("cam-test").addEventListener("click", () => void this.test());
    byId("cam-cancel").addEventListener("click", () => this.hide());
  }

  /** Shows the form empty (add) or filled from `cam` (edit). */
  show(cam: CameraView | null): void {
    this.editing = cam;
    this.form.reset();
    byId("camera-form-title").textContent = cam ? `Edit ${cam.name}` : "Add a camera";
    field("cam-id").disabled = !!cam;
    field("cam-id").value = cam?.id ?? "";
    field("cam-name").value = cam?.name ?? "";
    field("cam-url").value = cam?.source_url ?? "";
    field("cam-user").value = cam?.username ?? "";
    field("cam-pass").placeholder = cam?.has_password ? "unchanged" : "";
    byId("cam-pass-clear-row").hidden = !cam?.has_password;
    byId<HTMLSelectElement>("cam-network").value = cam?.network ?? "local";
    field("cam-snapshot").value = String(cam?.snapshot_interval_s ?? 10);
    field("cam-viewers").value = String(cam?.max_viewers ?? 10);
    field("cam-record-s").value = "0";
    byId("cam-test-result").replaceChildren();
    say(this.status, "");
    this.form.hidden = false;
    if (cam)
      void api<{ record_s: number }>("GET", `/v1/cameras/${seg(cam.id)}/event-settings`).then(
        (s) => (field("cam-record-s").value = String(s.record_s)),
        () => {},
      );
    (cam ? field("cam-name") : field("cam-id")).focus();
  }

  /** Hides the form. */
  hide(): void {
    this.form.hidden = true;
    this.editing = null;
  }

  /** Source and credential fields as the API takes them (an empty password on edit: unchanged). */
  private sourceFields(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      source_url: field("cam-url").value.trim(),
      username: field("cam-user").value.trim() || null,
      network: byId<HTMLSelectElement>("cam-network").value,
    };
    const pass = field("cam-pass").value;
    if (field("cam-pass-clear").checked) out.password = null;
    else if (pass !== "" || !this.editing) out.password = pass === "" ? null : pass;
    return out;
  }

  private async test(): Promise<void> {
    const box = byId("cam-test-result");
    box.replaceChildren(h("p", {}, "testing…"));
    const button = byId<HTMLButtonElement>("cam-test");
    button.disabled = true;
    try {
      const path = this.editing ? `/v1/cameras/${seg(this.editing.id)}/test` : "/v1/cameras/test";
      box.replaceChildren(testResultView(await api<CameraTestResult>("POST", path, this.sourceFields())));
    } catch (err) {
      box.replaceChildren(h("p", { class: "error" }, (err as Error).message));
    } finally {
      button.disabled = false;
    }
  }

  private async save(): Promise<void> {
    const body: Record<string, unknown> = {
      name: field("cam-name").value.trim(),
      ...this.sourceFields(),
      snapshot_interval_s: Number(field("cam-snapshot").value),
      max_viewers: Number(field("cam-viewers").value),
    };
    const id = field("cam-id").value.trim();
    if (!this.editing && id) body.id = id;
    try {
      const saved = this.editing
        ? await api<CameraView>("PATCH", `/v1/cameras/${seg(this.editing.id)}`, body)
        : await api<CameraView>("POST", "/v1/cameras", body);
      await api("PUT", `/v1/cameras/${seg(saved.id)}/event-settings`, { record_s: Number(field("cam-record-s").value) });
      say(byId("admin-status"), `${this.editing ? "saved" : "added"} ${saved.name}`);
      this.hide();
      this.onSaved();
    } catch (err) {
      say(this.status, (err as Error).message, true);
    }
  }
}
