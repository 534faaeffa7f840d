import type { TroveClient } from "@trove/client";
import type { Generation, GenerationKind } from "@trove/contracts";
import { announce, byId, el } from "./dom";
import { describeError, formatBytes } from "./format";

/** The generate form: text is read back from storage and shown, an image is shown from it. */
export function setupGenerate(client: () => TroveClient, onStored: () => void): void {
  const form = byId<HTMLFormElement>("generate-form");
  const button = byId<HTMLButtonElement>("generate-button");
  const result = byId("generate-result");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const kind = data.get("kind") === "image" ? "image" : "text";
    const prompt = String(data.get("prompt") ?? "");

    button.disabled = true;
    result.dataset.state = "working";
    result.replaceChildren(el("p", {}, `Generating ${kind === "image" ? "an image" : "text"}…`));
    try {
      const generation = await client().generate({ kind, prompt });
      result.replaceChildren(...(await render(client(), generation, kind, prompt)));
      result.dataset.state = "done";
      result.dataset.kind = kind;
      announce(`Generated ${kind === "image" ? "an image" : "text"}.`);
      onStored();
    } catch (error) {
      result.dataset.state = "error";
      result.replaceChildren(el("p", { class: "error" }, describeError(error)));
    } finally {
      button.disabled = false;
    }
  });
}

async function render(
  client: TroveClient,
  generation: Generation,
  kind: GenerationKind,
  prompt: string,
): Promise<Node[]> {
  const about = el(
    "p",
    { class: "hint" },
    `${generation.provider} · ${generation.model} · ${formatBytes(generation.size)} · ${generation.contentType}`,
  );
  const notice = generation.notice ? [el("p", { class: "hint" }, generation.notice)] : [];
  if (!generation.download) return [el("p", {}, "Generated, but it is no longer available."), about];

  if (kind === "image") {
    const img = el("img", { src: generation.download.url, alt: `Generated image for: ${prompt}` });
    return [img, about, ...notice];
  }
  const text = await (await client.readDownload(generation.download.url)).text();
  return [el("pre", { class: "generated-text" }, text), about, ...notice];
}
