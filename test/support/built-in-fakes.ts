import { FakeFacebook } from '../fakes/facebook.fake.js';
import { FakeGitHub } from '../fakes/github.fake.js';
import { FakeGoogle } from '../fakes/google.fake.js';

/** Google, Facebook and GitHub fakes with one client each, and the settings that point the app at them. */
export function builtInFakes() {
  const google = new FakeGoogle();
  const facebook = new FakeFacebook({ appId: 'fb-app', appSecret: 'fb-secret' });
  const github = new FakeGitHub({ clients: [{ clientId: 'gh-app', clientSecret: 'gh-secret' }] });
  const env = (): Record<string, string> => ({
    GOOGLE_CLIENT_IDS: 'g-app',
    GOOGLE_TOKENINFO_URL: google.tokeninfoUrl,
    GOOGLE_USERINFO_URL: google.userinfoUrl,
    GOOGLE_JWKS_URL: google.jwksUrl,
    FACEBOOK_CLIENT_IDS: 'fb-app',
    FACEBOOK_CLIENT_SECRETS: 'fb-secret',
    FACEBOOK_GRAPH_URL: facebook.graphUrl,
    GITHUB_CLIENT_IDS: 'gh-app',
    GITHUB_CLIENT_SECRETS: 'gh-secret',
    GITHUB_API_URL: github.apiUrl,
  });
  return { google, facebook, github, env };
}
