/**
 * The demo script's helpers: elements, API calls, errors and messages, JWT decoding, PKCE. One part of
 * `/demo/app.js` (demo.script.ts joins the parts into one function scope).
 */
export const DEMO_CORE_SCRIPT = String.raw`
  const $ = (id) => document.querySelector('[data-testid="' + id + '"]');

  /** An element with text and attributes; children are appended in order. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  function button(label, onClick, attributes) {
    const b = el('button', Object.assign({ type: 'button' }, attributes), label);
    b.addEventListener('click', onClick);
    return b;
  }

  /** Every failure the page shows, where it happened: the API's code, then its message (and bad fields). */
  function showError(error, where) {
    const fields = error.details && error.details.fields;
    const detail = fields ? ' (' + Object.entries(fields).map(([name, rule]) => name + ': ' + rule).join('; ') + ')' : '';
    $(where).textContent = (error.code ? error.code + ': ' : '') + (error.message || 'Something went wrong') + detail;
    $(where).hidden = false;
  }

  function clearMessages() {
    for (const node of document.querySelectorAll('[role="alert"], [role="status"]')) node.hidden = true;
  }

  function showStatus(message) {
    $('status').textContent = message;
    $('status').hidden = false;
  }

  /** Runs a click's action, showing any failure in its section's error line. */
  const guarded = (action, where) => (...args) => {
    clearMessages();
    return action(...args).catch((error) => showError(error, where || 'error'));
  };

  /** This API over fetch: JSON in and out; an error answer becomes an Error with its code and details. */
  async function api(method, path, body, accessToken) {
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (accessToken) headers.authorization = 'Bearer ' + accessToken;
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 204) return null;
    const json = await res.json().catch(() => ({ code: 'bad_response', message: 'HTTP ' + res.status + ' without a JSON body' }));
    if (!res.ok) throw Object.assign(new Error(json.message), { code: json.code || 'http_' + res.status, status: res.status, details: json.details });
    return json;
  }

  /** Decoding only (base64url JSON): the signature is the API's to verify, never the page's. */
  function decodeJwt(token) {
    const part = (s) => {
      const binary = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
      return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    };
    const [header, payload] = token.split('.');
    return { header: part(header), payload: part(payload) };
  }

  const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

  /** RFC 7636 S256: the challenge goes to the provider, the verifier to our API with the code. */
  async function pkceChallenge(verifier) {
    return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  }

  const time = (iso) => new Date(iso).toLocaleString();
`;
