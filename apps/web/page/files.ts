import type { TroveClient } from "@trove/client";
import type { FileItem } from "@trove/contracts";
import { announce, byId, el } from "./dom";
import { describeError, formatBytes, typeLabel } from "./format";

const PAGE_SIZE = 24;

/** The user's ready files: previews through short-lived signed URLs, download and delete. */
export function setupFiles(client: () => TroveClient) {
  const list = byId("file-list");
  const empty = byId("files-empty");
  const error = byId("files-error");
  const more = byId<HTMLButtonElement>("more-files");
  let cursor: string | null = null;

  async function load(append: boolean): Promise<void> {
    error.textContent = "";
    try {
      const page = await client().listFiles(
        append && cursor ? { limit: PAGE_SIZE, cursor } : { limit: PAGE_SIZE },
      );
      if (!append) list.replaceChildren();
      for (const item of page.items) list.append(card(client(), item, onDeleted));
      cursor = page.nextCursor;
      more.hidden = cursor === null;
      empty.hidden = list.childElementCount > 0;
    } catch (caught) {
      error.textContent = describeError(caught);
    }
  }

  function onDeleted(): void {
    empty.hidden = list.childElementCount > 0;
  }

  byId("refresh-files").addEventListener("click", () => void load(false));
  more.addEventListener("click", () => void load(true));

  return { refresh: () => load(false), clear: () => list.replaceChildren() };
}

function card(client: TroveClient, item: FileItem, onDeleted: () => void): HTMLLIElement {
  const preview = el("div", { class: "preview" });
  const download = el("button", { type: "button", class: "quiet", "aria-label": `Download ${item.filename}` }, "Download");
  const remove = el("button", { type: "button", class: "danger", "aria-label": `Delete ${item.filename}` }, "Delete");
  const status = el("p", { class: "error", role: "alert" });
  const when = new Date(item.createdAt).toLocaleString();
  const li = el(
    "li",
    { class: "file", "data-file-id": item.id, "data-filename": item.filename },
    preview,
    el(
      "div",
      { class: "meta" },
      el("strong", {}, item.filename),
      el("span", { class: "hint" }, `${formatBytes(item.size)} · ${typeLabel(item.contentType)} · ${when}`),
      ...(item.caption ? [el("p", { class: "hint" }, item.caption)] : []),
    ),
    el("div", { class: "actions" }, download, remove),
    status,
  );

  showPreview(client, item, preview);

  download.addEventListener("click", async () => {
    status.textContent = "";
    try {
      const link = await client.download(item.id);
      // Storage answers with Content-Disposition: attachment, so this downloads in place.
      el("a", { href: link.url, rel: "noopener" }).click();
    } catch (error) {
      status.textContent = describeError(error);
    }
  });

  remove.addEventListener("click", async () => {
    if (!confirm(`Delete ${item.filename}? This cannot be undone.`)) return;
    remove.disabled = true;
    status.textContent = "";
    try {
      await client.deleteFile(item.id);
      const next = (li.nextElementSibling ?? li.previousElementSibling)?.querySelector("button");
      li.remove();
      (next ?? byId("files-title")).focus();
      announce(`Deleted ${item.filename}.`);
      onDeleted();
    } catch (error) {
      remove.disabled = false;
      status.textContent = describeError(error);
    }
  });
  return li;
}

/**
 * Images show from storage through a signed GET URL (never from the page's origin); other
 * types show a badge with their kind. An expired link is renewed once when the image fails.
 */
function showPreview(client: TroveClient, item: FileItem, preview: HTMLElement): void {
  if (!item.contentType.startsWith("image/")) {
    preview.append(el("span", { class: "badge", "aria-hidden": "true" }, typeLabel(item.contentType)));
    preview.dataset.preview = "badge";
    return;
  }
  const img = el("img", { alt: `Preview of ${item.filename}`, loading: "lazy", decoding: "async" });
  let renewed = false;
  const setSource = async () => {
    try {
      img.src = (await client.download(item.id)).url;
    } catch {
      preview.replaceChildren(el("span", { class: "badge" }, typeLabel(item.contentType)));
    }
  };
  img.addEventListener("error", () => {
    if (renewed) return;
    renewed = true;
    void setSource();
  });
  img.addEventListener("load", () => (preview.dataset.preview = "image"));
  preview.append(img);
  void setSource();
}
