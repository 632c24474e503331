# syntax=docker/dockerfile:1
# One image for all four services. The ECS task's command picks the service:
#   services/ingest/dist/main.js | services/translator/dist/main.js
#   services/notifier/dist/main.js | services/bridge/dist/main.js
# Base images are pinned by digest; refresh with `docker buildx imagetools inspect node:24-bookworm-slim`.

# Build: the services' dependencies and the root's build tools, then the four services and the
# shared packages they reference.
FROM node:24-bookworm-slim@sha256:d6aa754f16b3197301076f047b5def2f02ea1dbbc2ca920407d46d7ec7f87b20 AS build
WORKDIR /src
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund --include-workspace-root -w services/ingest -w services/translator -w services/notifier -w services/bridge \
 && npx tsc -b services/ingest services/translator services/notifier services/bridge

# Production dependencies of the four services only (no dev tools, no CDK, no test kit).
FROM build AS prod
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund -w services/ingest -w services/translator -w services/notifier -w services/bridge

# Runtime: root-owned files the process cannot change, run as the image's non-root `node` user (uid 1000).
FROM node:24-bookworm-slim@sha256:d6aa754f16b3197301076f047b5def2f02ea1dbbc2ca920407d46d7ec7f87b20 AS runtime
ENV NODE_ENV=production HTTP_HOST=0.0.0.0 HTTP_PORT=8080
WORKDIR /app
COPY --from=prod /src/package.json ./package.json
COPY --from=prod /src/node_modules ./node_modules
COPY --from=prod /src/shared ./shared
COPY --from=prod /src/services ./services
USER node
EXPOSE 8080
ENTRYPOINT ["node", "--enable-source-maps"]
CMD ["services/ingest/dist/main.js"]
