/**
 * The demo page's script, served as `/demo/app.js`: its parts (helpers, session, account sections) joined in one
 * function scope, then the start-up below. Strings because there is no build step for browser code: tsc copies no
 * .js assets into dist/, and a string ships with the module that serves it. Plain ES2020 for any current browser;
 * no template literals, so the TypeScript strings need no escaping.
 */
import { DEMO_ACCOUNT_SCRIPT } from './demo-account.script.js';
import { DEMO_CORE_SCRIPT } from './demo-core.script.js';
import { DEMO_SESSION_SCRIPT } from './demo-session.script.js';

const START = String.raw`
  /** Back from a sign-in (login code or error in the fragment), from a provider while connecting (?state), or a reload. */
  async function start() {
    providers = (await api('GET', '/auth/providers')).providers;
    listSignIns(providers);
    const fragment = new URLSearchParams(location.hash.slice(1));
    const query = new URLSearchParams(location.search);
    const connecting = query.has('state');
    // Codes are single-use and short-lived, but they should not linger in the address bar or history either.
    if (fragment.has('login_code') || fragment.has('error') || connecting) history.replaceState(null, '', location.pathname);
    const stored = sessionStorage.getItem(STORAGE_KEY);
    if (fragment.has('login_code') || fragment.has('error')) return handleResult(Object.fromEntries(fragment));
    if (!stored) return connecting ? showError({ code: 'signed_out', message: 'Sign in before connecting an account' }, 'error') : undefined;
    await signedIn(await api('POST', '/auth/refresh', { refresh_token: stored })).catch((error) => {
      signedOut();
      throw error;
    });
    if (connecting) await guarded(() => finishConnect(query), 'accounts-error')();
  }
  guarded(start)();
`;

export const DEMO_SCRIPT = `'use strict';\n(() => {${DEMO_CORE_SCRIPT}${DEMO_SESSION_SCRIPT}${DEMO_ACCOUNT_SCRIPT}${START}})();\n`;
