export { FakeProviderServer, type ProviderFault, type RecordedRequest, type Responder, type RouteHandler, type RouteRequest } from './fake-provider-server.js';
export { FakeGoogle, type GoogleTokenOptions, type SignIdTokenOptions } from './google.fake.js';
export { FakeFacebook, type FacebookTokenOptions } from './facebook.fake.js';
export { FakeGitHub, type GitHubEmail, type GitHubTokenOptions } from './github.fake.js';
