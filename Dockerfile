# syntax=docker/dockerfile:1
# The application image: one image, three commands.
#   node dist/api/server.js       the HTTP API and web UI (the default command)
#   node dist/workers/main.js     a Temporal worker
#   node dist/db/migrate-cli.js   the migrations, once per release
# They are what `npm run api`, `npm run worker` and `npm run migrate` run, without the build step:
# the image is built once. deploy/compose.yaml runs all three. This file has not been built here
# (no container engine or image registry on the development machines); see README, "Deployment".

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: dependencies with dev tools, TypeScript and Vite output ------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# postinstall installs the Temporal CLI and test server for `npm start` and `npm test`; an image
# talks to a Temporal cluster and needs neither, so point both at nothing and skip the download.
ENV TEMPORAL_CLI_PATH=/nonexistent/temporal \
    TEMPORAL_TEST_SERVER_PATH=/nonexistent/temporal-test-server
COPY package.json package-lock.json ./
COPY scripts/install-temporal.js scripts/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies and the build output, as an unprivileged user ---------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/.data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# DATA_DIR holds nothing in production (DATABASE_URL and JWT_SECRET are set); it exists so a
# process started without JWT_SECRET can still write its generated key instead of crashing.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
# The API answers /healthz once PostgreSQL and Temporal answer. The worker has no HTTP port:
# compose disables this check for it.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/api/server.js"]
