/** Looks up an element the page's HTML is known to have; a missing one is a build mistake. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}.`);
  return element as T;
}

type Attributes = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes and children; text children are never parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children);
  return element;
}

/** Says something to screen-reader users through the page's polite live region. */
export function announce(message: string): void {
  const region = byId("announcer");
  // Clearing first makes a repeated message be read again.
  region.textContent = "";
  requestAnimationFrame(() => {
    region.textContent = message;
  });
}
