import { expect } from "vitest";

export interface UploadCreated {
  id: string;
  status: string;
  key: string;
  expiresAt: string;
  upload: { method: "PUT"; url: string; headers: Record<string, string> };
}

export interface UploadState {
  id: string;
  status: string;
  detectedType?: string;
  reason?: string;
}

/** A small HTTP client for the API as a user meets it: JSON over fetch with a bearer token. */
export function api(baseUrl: string, token: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
  };

  return {
    call,
    async createUpload(intent: { filename: string; contentType: string; size: number; sha256?: string }) {
      const answer = await call("POST", "/v1/uploads", intent);
      expect(answer.status, JSON.stringify(answer.json)).toBe(201);
      return answer.json as UploadCreated;
    },
    /** Polls the upload until it leaves `pending`, for at most `timeoutMs`. */
    async settle(id: string, timeoutMs = 20_000): Promise<UploadState> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const answer = await call("GET", `/v1/uploads/${id}`);
        expect(answer.status).toBe(200);
        const state = answer.json as UploadState;
        if (state.status !== "pending" || Date.now() > deadline) return state;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}

/** Sends bytes to a presigned PUT URL with exactly the headers the API returned. */
export function putPresigned(created: UploadCreated, bytes: Uint8Array<ArrayBuffer>, headers = created.upload.headers) {
  return fetch(created.upload.url, { method: "PUT", headers, body: bytes });
}
