import { CancelledError, type TroveClient } from "@trove/client";
import type { UploadState } from "@trove/contracts";
import { announce, byId, el } from "./dom";
import { describeError, formatBytes } from "./format";

type RowStatus = "starting" | "uploading" | UploadState["status"] | "cancelled" | "error";

/** Wires the drop zone and file picker: each file gets a row with a progress bar and a state. */
export function setupUploads(client: () => TroveClient, onReady: () => void): void {
  const zone = byId("drop-zone");
  const input = byId<HTMLInputElement>("file-input");

  input.addEventListener("change", () => {
    startAll(input.files);
    input.value = "";
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    startAll(event.dataTransfer?.files ?? null);
  });

  function startAll(files: FileList | null): void {
    for (const file of Array.from(files ?? [])) void uploadOne(client(), file, onReady);
  }
}

async function uploadOne(client: TroveClient, file: File, onReady: () => void): Promise<void> {
  const row = new UploadRow(file);
  const controller = new AbortController();
  row.cancel.addEventListener("click", () => controller.abort());

  try {
    const final = await client.upload(file, {
      signal: controller.signal,
      onCreated: () => row.show("uploading", "Uploading… 0%"),
      onProgress: ({ loaded, total }) => row.progress(loaded, total),
      onStatus: (state) => {
        row.cancel.hidden = true;
        if (state.status === "pending") row.show("pending", "Sent. Checking the file… (pending)");
      },
    });
    row.settle(final);
    if (final.status === "ready") onReady();
  } catch (error) {
    if (error instanceof CancelledError) row.show("cancelled", "Cancelled.", true);
    else row.show("error", describeError(error), true);
  } finally {
    row.cancel.hidden = true;
  }
}

/** One file's line in the upload list. */
class UploadRow {
  readonly cancel: HTMLButtonElement;
  private readonly bar: HTMLProgressElement;
  private readonly state: HTMLElement;
  private readonly name: string;

  constructor(file: File) {
    this.name = file.name;
    this.cancel = el("button", { type: "button", class: "quiet", "aria-label": `Cancel ${file.name}` }, "Cancel");
    this.bar = el("progress", { max: 1, value: 0, "aria-label": `Upload progress for ${file.name}` });
    this.state = el("p", { class: "state", "data-status": "starting" }, "Starting…");
    const item = el(
      "li",
      { class: "upload", "data-filename": file.name },
      el("span", { class: "name" }, file.name, el("span", { class: "hint" }, ` · ${formatBytes(file.size)}`)),
      this.cancel,
      this.bar,
      this.state,
    );
    byId("upload-list").prepend(item);
    announce(`Uploading ${file.name}.`);
  }

  progress(loaded: number, total: number): void {
    const fraction = total > 0 ? loaded / total : 1;
    this.bar.value = fraction;
    this.bar.setAttribute("aria-valuetext", `${Math.round(fraction * 100)}%, ${formatBytes(loaded)} of ${formatBytes(total)}`);
    this.show("uploading", `Uploading… ${Math.round(fraction * 100)}%`);
  }

  show(status: RowStatus, text: string, speak = false): void {
    this.state.dataset.status = status;
    this.state.textContent = text;
    if (speak || status === "pending") announce(`${this.name}: ${text}`);
  }

  settle(state: UploadState): void {
    this.bar.value = 1;
    const text: Record<UploadState["status"], string> = {
      pending: "Still being checked.",
      ready: "Ready.",
      rejected: `Rejected: ${state.reason ?? "no reason given"}`,
      expired: "Expired: the file did not arrive in time.",
      failed: `Failed: ${state.reason ?? "processing failed; try again later."}`,
      cancelled: "Cancelled.",
      deleted: "Deleted.",
    };
    this.show(state.status, text[state.status], true);
  }
}
