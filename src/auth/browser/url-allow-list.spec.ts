import { describe, expect, it } from '@jest/globals';
import { isNativeRedirectUri, matchRedirectUri, matchReturnTo } from './url-allow-list.js';

const REDIRECTS = ['https://app.example.com/callback', 'com.example.app:/oauth2redirect', 'http://127.0.0.1/native/cb'];

describe('matchRedirectUri', () => {
  it('accepts the exact string only', () => {
    expect(matchRedirectUri(REDIRECTS, 'https://app.example.com/callback')).toEqual({ native: false });
    for (const lookAlike of [
      'https://app.example.com.evil.test/callback',
      'https://app.example.com@evil.test/callback',
      'https://evil.test/https://app.example.com/callback',
      'http://app.example.com/callback',
      'https://app.example.com:8443/callback',
      'https://app.example.com/callback/../evil',
      'https://app.example.com/callback/extra',
      'https://app.example.com/callbackx',
      'https://app.example.com/callback?next=evil',
      'https://app.example.com/callback#x',
      'https://APP.example.com/callback',
      'https://app.example.com/Callback',
      'https://app.example.com/callback/',
      'https://app.example.com/%63allback',
    ]) {
      expect([lookAlike, matchRedirectUri(REDIRECTS, lookAlike)]).toEqual([lookAlike, undefined]);
    }
  });

  it('treats private-use schemes and loopback as native (PKCE required)', () => {
    expect(matchRedirectUri(REDIRECTS, 'com.example.app:/oauth2redirect')).toEqual({ native: true });
    expect(matchRedirectUri(REDIRECTS, 'com.example.evil:/oauth2redirect')).toBeUndefined();
    expect(isNativeRedirectUri('https://app.example.com/callback')).toBe(false);
  });

  it('lets a loopback entry match any port, and nothing else', () => {
    expect(matchRedirectUri(REDIRECTS, 'http://127.0.0.1:51234/native/cb')).toEqual({ native: true });
    expect(matchRedirectUri(REDIRECTS, 'http://127.0.0.1/native/cb')).toEqual({ native: true });
    for (const lookAlike of [
      'http://127.0.0.1:51234/native/cb/../../evil',
      'http://127.0.0.1:51234/native/cbx',
      'http://127.0.0.1:51234/native/cb?x=1',
      'http://[::1]:51234/native/cb',
      'http://localhost:51234/native/cb',
      'https://127.0.0.1:51234/native/cb',
      'http://user@127.0.0.1:51234/native/cb',
      'http://127.0.0.1.evil.test:51234/native/cb',
      'http://127.0.0.1:51234/NATIVE/cb',
    ]) {
      expect([lookAlike, matchRedirectUri(REDIRECTS, lookAlike)]).toEqual([lookAlike, undefined]);
    }
  });
});

describe('matchReturnTo', () => {
  const RETURN_TO = [new URL('https://app.example.com/').href, 'https://app.example.com/signed-in'];

  it('accepts listed URLs, in their normalised form', () => {
    expect(matchReturnTo(RETURN_TO, 'https://app.example.com/signed-in')).toBe('https://app.example.com/signed-in');
    expect(matchReturnTo(RETURN_TO, 'https://app.example.com')).toBe('https://app.example.com/');
  });

  it('refuses look-alikes, other schemes and ports, path tricks and fragments', () => {
    for (const lookAlike of [
      'https://app.example.com.evil.test/signed-in',
      'https://app.example.com@evil.test/signed-in',
      'https://evil.test/?https://app.example.com/signed-in',
      'http://app.example.com/signed-in',
      'https://app.example.com:444/signed-in',
      'https://app.example.com/signed-in/../admin',
      'https://app.example.com/signed-in/x',
      'https://app.example.com/signed-in?next=//evil.test',
      'https://app.example.com/signed-in#login_code=planted',
      '//evil.test/signed-in',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect([lookAlike, matchReturnTo(RETURN_TO, lookAlike)]).toEqual([lookAlike, undefined]);
    }
  });
});
