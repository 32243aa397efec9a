export {
  FakeProviderServer,
  type ProviderFault,
  type RecordedRequest,
  type Responder,
  type RouteHandler,
  type RouteRequest,
} from './fake-provider-server.js';
export { FakeGoogle, type GoogleTokenOptions, type SignIdTokenOptions } from './google.fake.js';
export { FakeFacebook, type FacebookTokenOptions } from './facebook.fake.js';
export { FakeGitHub, type GitHubEmail, type GitHubTokenOptions } from './github.fake.js';
export { FakeOidcServer, type FakeClient, type OidcAccount } from './oidc-fake.js';
export { FakeMicrosoft, CONSUMERS_TENANT } from './microsoft.fake.js';
export { FakeApple, APPLE_KEY_ID, APPLE_TEAM_ID } from './apple.fake.js';
export { FakeGitLab } from './gitlab.fake.js';
export { FakeLinkedIn } from './linkedin.fake.js';
export { FakeDiscord, type DiscordUser } from './discord.fake.js';
export { FakeX, type XUser } from './x.fake.js';
