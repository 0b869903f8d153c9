/**
 * The Admin page (shown to admins only; the server enforces it anyway): the camera table
 * with add, edit (src/api/web/camera-form.ts) and delete, API tokens (list, create with the
 * plain token shown once, revoke; `/v1/tokens`), and the link to Bull Board.
 */
import { api, ApiError, seg } from "./api.ts";
import { CameraForm } from "./camera-form.ts";
import { stateText } from "./camera-grid.ts";
import { byId, dateTime, h, say } from "./dom.ts";
import type { CameraView, TokenView } from "./types.ts";

/** The page; `onCamerasChanged` refreshes the grid. */
export class AdminPage {
  private readonly form: CameraForm;
  private cameras: CameraView[] = [];

  constructor(private readonly onCamerasChanged: () => void) {
    this.form = new CameraForm(() => {
      void this.load();
      this.onCamerasChanged();
    });
    byId("camera-add").addEventListener("click", () => this.form.show(null));
    byId<HTMLFormElement>("token-create").addEventListener("submit", (e) => {
      e.preventDefault();
      void this.createToken();
    });
    byId("token-copy").addEventListener("click", () => {
      const text = byId("token-new-value").textContent ?? "";
      void navigator.clipboard?.writeText(text).then(
        () => say(byId("tokens-status"), "copied"),
        () => say(byId("tokens-status"), "copy it by hand: the browser refused the clipboard", true),
      );
    });
  }

  /** Loads cameras and tokens. */
  async load(): Promise<void> {
    await Promise.all([this.loadCameras(), this.loadTokens()]);
  }

  private async loadCameras(): Promise<void> {
    try {
      this.cameras = await api<CameraView[]>("GET", "/v1/cameras");
    } catch (err) {
      return say(byId("admin-status"), (err as Error).message, true);
    }
    byId("admin-cameras").replaceChildren(
      ...this.cameras.map((c) =>
        h(
          "tr",
          { "data-camera-row": c.id },
          h("td", {}, c.name, h("br"), h("small", {}, c.id)),
          h("td", { class: "url" }, c.source_url),
          h("td", {}, stateText(c)),
          h(
            "td",
            { class: "actions" },
            h("button", { type: "button", class: "small", "data-edit": c.id, "aria-label": `Edit ${c.name}`, onclick: () => this.form.show(c) }, "Edit"),
            h(
              "button",
              { type: "button", class: "small danger", "data-delete": c.id, "aria-label": `Delete ${c.name}`, onclick: () => void this.remove(c) },
              "Delete",
            ),
          ),
        ),
      ),
    );
  }

  private async remove(c: CameraView): Promise<void> {
    if (!confirm(`Delete camera ${c.name} (${c.id})? Its live sessions end at once.`)) return;
    try {
      await api("DELETE", `/v1/cameras/${seg(c.id)}`);
      say(byId("admin-status"), `deleted ${c.name}`);
      await this.loadCameras();
      this.onCamerasChanged();
    } catch (err) {
      say(byId("admin-status"), (err as Error).message, true);
    }
  }

  private async loadTokens(): Promise<void> {
    const section = byId("tokens");
    let tokens: TokenView[];
    try {
      tokens = await api<TokenView[]>("GET", "/v1/tokens");
    } catch (err) {
      section.hidden = err instanceof ApiError && err.status === 404;
      return say(byId("tokens-status"), (err as Error).message, true);
    }
    section.hidden = false;
    byId("token-rows").replaceChildren(
      ...tokens.map((t) =>
        h(
          "tr",
          { "data-token-row": t.id, class: t.revoked_at ? "revoked" : "" },
          h("td", {}, t.name),
          h("td", {}, t.role),
          h("td", {}, dateTime(t.created_at)),
          h(
            "td",
            {},
            t.revoked_at
              ? `revoked ${dateTime(t.revoked_at)}`
              : h(
                  "button",
                  { type: "button", class: "small danger", "data-revoke": t.id, "aria-label": `Revoke token ${t.name}`, onclick: () => void this.revoke(t) },
                  "Revoke",
                ),
          ),
        ),
      ),
    );
  }

  private async createToken(): Promise<void> {
    const name = byId<HTMLInputElement>("token-name").value.trim();
    const role = byId<HTMLSelectElement>("token-role").value;
    try {
      const made = await api<{ token: string } & TokenView>("POST", "/v1/tokens", { name, role });
      byId("token-new-value").textContent = made.token;
      byId("token-new").hidden = false;
      byId<HTMLFormElement>("token-create").reset();
      // The status is said once the list shows the new row, so what it says is already true on screen.
      await this.loadTokens();
      say(byId("tokens-status"), `created ${made.name} (${made.role}): copy the token now, it is shown once`);
    } catch (err) {
      say(byId("tokens-status"), (err as Error).message, true);
    }
  }

  private async revoke(t: TokenView): Promise<void> {
    if (!confirm(`Revoke token ${t.name}? Whoever holds it loses access at once.`)) return;
    try {
      await api("POST", `/v1/tokens/${t.id}/revoke`, {});
      byId("token-new").hidden = true;
      await this.loadTokens();
      say(byId("tokens-status"), `revoked ${t.name}`);
    } catch (err) {
      say(byId("tokens-status"), (err as Error).message, true);
    }
  }
}
