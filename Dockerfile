# syntax=docker/dockerfile:1
# One image for every app; the command picks it:
#   docker build -t switchboard .
#   docker run switchboard                                  # gateway (the default)
#   docker run switchboard node dist/apps/worker/main.js
#   docker run switchboard node dist/apps/meta-simulator/main.js
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS builder
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true CI=true
COPY package.json package-lock.json ./
# The patches npm install's postinstall (patch-package) applies to node_modules.
COPY patches ./patches
# npm install, not npm ci: npm ci refuses this lockfile (it lacks other platforms' optional
# binaries); npm install honours the pinned versions as they are (see tools/scripts/lib.mjs).
RUN npm install --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build -p gateway worker meta-simulator console --parallel=2

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
WORKDIR /app
# A heap ceiling well above any app's live heap (75-90 MB in bench/send): below V8's 2 GB mark it
# also lowers the heap's growth factor from 4 to about 1.4, so garbage is collected before it
# costs resident memory; an 8 MB semi-space still lets most of a request's garbage die young and
# commits half the new space of 16 MB (on Node 24 bench/send peaks gateway 222-227, worker 198-207
# MiB with it, 236-259 / 215-226 with 16 MB and 264/247 with 32 MB, at the same CPU). Full
# collections then come every 5-10 s at 1,500 accepts a second (the apps also turn V8's
# allocation-site pretenuring off at start), and they set the accept benchmark's p99 there
# (14-71 ms, the machine's moment setting the spread): drop this line where latency matters more
# than memory.
# The benchmarks read this line and run the apps with it.
ENV NODE_OPTIONS="--max-old-space-size=512 --max-semi-space-size=8"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    WORKER_PORT=3001 \
    SIMULATOR_PORT=4010
COPY --chown=node:node package.json package-lock.json ./
# Production dependencies only: the bundles keep node_modules external.
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# Without scripts nothing is patched here: the patched packages come from the builder.
COPY --from=builder --chown=node:node /src/node_modules/ioredis ./node_modules/ioredis
COPY --from=builder --chown=node:node /src/dist/apps ./dist/apps
COPY --chown=node:node ops/docker/healthcheck.mjs ./ops/docker/healthcheck.mjs
USER node
EXPOSE 3000 3001 4010
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "ops/docker/healthcheck.mjs"]
CMD ["node", "dist/apps/gateway/main.js"]
