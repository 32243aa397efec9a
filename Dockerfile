# The production image: built with the development toolchain, run with production dependencies only, as a
# non-root user. Its RUN, HEALTHCHECK and CMD commands are the ones CI runs on a production install
# (test/production/production-install.mjs, from test/production/production-commands.json), and
# test/deployment/deployment-files.e2e-spec.ts fails when they drift apart. docs/deployment.md, "Containers".
#   docker build -t nest-social-auth .
#   docker run --env-file .env nest-social-auth node dist/cli/migrations.js run    # once per release
#   docker run --env-file .env -p 3000:3000 nest-social-auth

# Both stages on the same Debian release: better-sqlite3's native module (shipped prebuilt) needs its glibc.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
# The image's own `node` user: the process can write nothing under /app (its code) and holds no root privilege.
USER node
EXPOSE 3000
# Node, not curl (slim images have none); it probes /health/live on this container's PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/cli/health-check.js"]
# V8's young generation and old space capped (docs/deployment.md, "Memory"): the flags of CI's start command.
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=192", "dist/main.js"]
