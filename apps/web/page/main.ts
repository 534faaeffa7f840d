import { createTroveClient, type TroveClient } from "@trove/client";
import { byId } from "./dom";
import { setupFiles } from "./files";
import { setupGenerate } from "./generate";
import { clearSession, loadSession, saveSession, signInAsDeveloper, type Session } from "./session";
import { setupUploads } from "./uploads";

let session: Session | undefined = loadSession();
let client: TroveClient | undefined;

function currentClient(): TroveClient {
  if (!client) throw new Error("Not signed in.");
  return client;
}

const files = setupFiles(currentClient);
setupUploads(currentClient, () => void files.refresh());
setupGenerate(currentClient, () => void files.refresh());

byId<HTMLFormElement>("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = byId("sign-in-error");
  error.textContent = "";
  try {
    session = await signInAsDeveloper(byId<HTMLInputElement>("user-id").value.trim());
    saveSession(session);
    render();
  } catch (caught) {
    error.textContent = caught instanceof Error ? caught.message : "Sign-in failed.";
  }
});

byId("sign-out").addEventListener("click", () => {
  clearSession();
  session = undefined;
  render();
});

function render(): void {
  const signedIn = session !== undefined;
  byId("sign-in").hidden = signedIn;
  byId("app").hidden = !signedIn;
  byId("session-info").hidden = !signedIn;
  if (!session) {
    client = undefined;
    files.clear();
    byId("upload-list").replaceChildren();
    byId("generate-result").replaceChildren();
    byId("user-id").focus();
    return;
  }
  const token = session.token;
  client = createTroveClient({ baseUrl: "", getToken: () => token });
  byId("session-user").textContent = session.userId;
  byId("upload-title").focus();
  void files.refresh();
}

render();
