// The widget's only way to the server: JSON over fetch with the reader's cookie, problems as errors.
import { browserKey } from "./hooks.js";

export class Problem extends Error {
  constructor(status, body) {
    super((body && body.detail) || `HTTP ${status}`);
    this.status = status;
    this.field = body && body.field;
    this.type = body && body.type;
  }
}

export class Offline extends Error {}

const BROWSER_KEY_HEADER = "X-Rostra-Browser-Key";

export function client(base) {
  const request = async (method, path, body, headers = {}) => {
    if (method !== "GET") {
      const key = browserKey();  // every write: a reader who lost the cookie stays one reader
      if (key) headers = { ...headers, [BROWSER_KEY_HEADER]: key };
    }
    let response;
    try {
      response = await fetch(base + path, {
        method,
        credentials: "include",
        headers: body === undefined ? headers : { "Content-Type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new Offline(String(error));
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Problem(response.status, data);
    return data;
  };
  const query = (params) =>
    Object.entries(params)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
      .join("&");
  return {
    base,
    story: (url, title) => request("POST", "/api/v1/stories", { url, title: title || undefined }),
    session: () => request("GET", "/api/v1/session"),
    signOut: () => request("DELETE", "/api/v1/session"),
    sso: (storyId, token) => request("POST", "/api/v1/sso", { story_id: storyId, token }),
    page: (storyId, params) => request("GET", `/api/v1/stories/${storyId}/comments?${query(params)}`),
    comment: (id) => request("GET", `/api/v1/comments/${id}`),
    // `idempotencyKey` stays the same when the reader retries the same post after a failure.
    post: (storyId, fields, idempotencyKey) =>
      request("POST", `/api/v1/stories/${storyId}/comments`, fields, { "Idempotency-Key": idempotencyKey }),
    preview: (storyId, fields) => request("POST", `/api/v1/stories/${storyId}/comments/preview`, fields),
    edit: (id, body) => request("PATCH", `/api/v1/comments/${id}`, { body }),
    remove: (id) => request("DELETE", `/api/v1/comments/${id}`),
    react: (id, kind) => request("PUT", `/api/v1/comments/${id}/reaction`, { kind }),
    unreact: (id) => request("DELETE", `/api/v1/comments/${id}/reaction`),
    report: (id, reason, note) => request("POST", `/api/v1/comments/${id}/reports`, { reason, note: note || undefined }),
    eventsUrl: (storyId) => `${base}/api/v1/stories/${storyId}/events`,
  };
}

// A random UUID for Idempotency-Key; crypto.randomUUID needs a secure context, plain http pages get
// the same format from getRandomValues.
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
