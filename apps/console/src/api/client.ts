import type { Operation } from './generated';

const TOKEN_KEY = 'yg.console.token';

export class GqlError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** The refusal's other facts (a duplicate's id, the fields at fault). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * For `.catch` on a write sent with the version read: a CONFLICT (changed meanwhile) first has the
 * screen read again, so it shows what is there now; the refusal then goes on to be shown.
 */
export function rereadOnConflict(reread: () => unknown) {
  return (err: unknown): never => {
    if ((err as GqlError).code === 'CONFLICT') reread();
    throw err;
  };
}

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

let replacing: Promise<unknown> | null = null;

/**
 * Runs an operation that ends this session and answers its successor (a password change ends
 * every session of the user). Meanwhile a refusal of the old token (a request, the socket) is
 * that change, not a sign-out.
 */
export async function replaceSession(run: () => Promise<string>): Promise<void> {
  const next = run().then((token) => {
    session.token = token;
  });
  replacing = next;
  try {
    await next;
  } finally {
    if (replacing === next) replacing = null;
  }
}

/** The api refused `token`: the session is over, unless this page has replaced it (a password change). */
function refused(token: string | null): void {
  if (token === session.token && !replacing) sessionEnded();
}

/** The session change on its way, if any. */
export function sessionReplacing(): Promise<unknown> | null {
  return replacing;
}

/** Listeners told when the api says the session is over (expired, revoked). */
const signedOut = new Set<() => void>();
export function onSignedOut(fn: () => void): () => void {
  signedOut.add(fn);
  return () => signedOut.delete(fn);
}

/** The session ended elsewhere (expired, revoked, the user changed): back to sign-in. */
export function sessionEnded(): void {
  signedOut.forEach((fn) => fn());
}

/** One GraphQL operation against the api that served this page, as the signed-in user. */
export async function gql<R, V>(op: Operation<R, V>, variables?: V): Promise<R> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = session.token;
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch('/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: op, variables }),
  });
  const body = (await res.json().catch(() => null)) as {
    data?: R;
    errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
  } | null;
  const first = body?.errors?.[0];
  if (first) {
    const code = first.extensions?.code;
    if (code === 'UNAUTHENTICATED') refused(token);
    throw new GqlError(first.message, code, first.extensions ?? {});
  }
  if (!body?.data)
    throw new GqlError(`服务暂不可用 (Service unavailable, HTTP ${res.status})`, 'UNAVAILABLE');
  return body.data;
}

/**
 * A file to one of the api's upload endpoints (multipart, the fields before the file, as the
 * endpoints read them while the body streams). Its JSON answer, or a GqlError with the endpoint's
 * `{ code, message }`.
 */
export async function upload<R>(path: string, fields: Record<string, string>, file: File): Promise<R> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', file, file.name);
  const token = session.token;
  const res = await fetch(path, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  const body = (await res.json().catch(() => null)) as (R & { code?: string; message?: string }) | null;
  if (res.status === 401) refused(token);
  if (!res.ok || !body) {
    throw new GqlError(
      body?.message ?? `上传失败 (upload failed, HTTP ${res.status})`,
      body?.code ?? `HTTP_${res.status}`,
    );
  }
  return body;
}

/** A saved file's extension by the kind the api recognised, for a name given without one. */
const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'application/dicom': '.dcm',
};

function withExtension(name: string, mediaType: string): string {
  const ext = EXTENSIONS[mediaType];
  return ext && !/\.[a-z0-9]{2,5}$/i.test(name) ? `${name}${ext}` : name;
}

/** How long a saved file's object URL outlives the click that saves it (the browser reads it after). */
const SAVED_URL_MS = 60_000;

/**
 * A file the api serves to the signed-in user (`/documents/<id>`), saved as `name`: fetched with
 * the bearer token (a plain link would carry none), then given to the browser from a blob, so
 * nothing the api sends is ever shown in the console's origin. A refusal throws a GqlError with
 * the api's `{ code, message }`.
 */
export async function download(path: string, name: string): Promise<void> {
  // The token goes to the api that served this page and nowhere else ("/\host" is another host too).
  if (!/^\/(?![/\\])/.test(path)) {
    throw new GqlError(`不是本系统的文件地址 (not a file of this system: ${path})`, 'BAD_USER_INPUT');
  }
  const token = session.token;
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status === 401) refused(token);
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
    throw new GqlError(
      body?.message ?? `下载失败 (download failed, HTTP ${res.status})`,
      body?.code ?? `HTTP_${res.status}`,
    );
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = withExtension(name, blob.type);
  document.body.append(a);
  try {
    a.click();
  } finally {
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), SAVED_URL_MS);
  }
}
