import type { TroveClient } from "@trove/client";
import { GENERATION_KINDS, type Generation, type GenerationKind } from "@trove/contracts";
import { announce, byId, el } from "./dom";
import { describeError, formatBytes } from "./format";

const DESCRIBED: Record<GenerationKind, string> = { text: "text", image: "an image", json: "a JSON object" };

/**
 * The generate form: text and JSON are read back from storage and shown (JSON indented), an
 * image is shown from it.
 */
export function setupGenerate(client: () => TroveClient, onStored: () => void): void {
  const form = byId<HTMLFormElement>("generate-form");
  const button = byId<HTMLButtonElement>("generate-button");
  const result = byId("generate-result");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const kind = GENERATION_KINDS.find((each) => each === data.get("kind")) ?? "text";
    const prompt = String(data.get("prompt") ?? "");

    button.disabled = true;
    result.dataset.state = "working";
    result.replaceChildren(el("p", {}, `Generating ${DESCRIBED[kind]}…`));
    try {
      const generation = await client().generate({ kind, prompt });
      result.replaceChildren(...(await render(client(), generation, kind, prompt)));
      result.dataset.state = "done";
      result.dataset.kind = kind;
      announce(`Generated ${DESCRIBED[kind]}.`);
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
  // A text model may answer structured data too: whatever is stored as JSON is shown indented.
  const shown = generation.contentType.startsWith("application/json") ? indented(text) : text;
  return [el("pre", { class: "generated-text" }, shown), about, ...notice];
}

function indented(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}
