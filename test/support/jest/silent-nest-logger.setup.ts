// Jest setupFiles: specs that build a service without an app (ProviderHttpClient, IdentityProvider, SealedTickets)
// would log through Nest's default console logger. The app logs nothing under NODE_ENV=test, and neither does Nest's
// logger before an app installs ours (`app.useLogger` replaces this). Specs that check a log line spy on the Logger
// or give the app a log destination.
import { Logger } from '@nestjs/common';

Logger.overrideLogger(false);
