// The KPI API seen from the page: every call carries the key entered once, never in a URL.
import { apiQuery } from './kpi-logic.js';

const KEY_STORAGE = 'opsline.dashboard.apiKey';

/** The API key kept in this browser (localStorage: entered once, kept until "Change key"). */
export const apiKeyStore = {
  get: () => localStorage.getItem(KEY_STORAGE) ?? '',
  set: (key) => localStorage.setItem(KEY_STORAGE, key),
  clear: () => localStorage.removeItem(KEY_STORAGE),
};

/** A refused or failed API call; `status` 401/403 means the key is wrong or lacks `kpi:read`. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function authorizationHeader() {
  return { authorization: `Bearer ${apiKeyStore.get()}` };
}

/** GET `path` with the query `values` (empty ones left out) as JSON. */
export async function getJson(path, values = {}, signal) {
  const response = await fetch(`${path}${apiQuery(values)}`, {
    headers: { accept: 'application/json', ...authorizationHeader() },
    cache: 'no-store',
    signal,
  });
  if (!response.ok) {
    let message = `${path} answered ${response.status}`;
    try {
      const body = await response.json();
      if (body?.error?.message) message = body.error.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, message);
  }
  return response.json();
}
