# syntax=docker/dockerfile:1
#
# regctl as a container image.
#   docker build -t regctl .
#   docker run --rm -v "$HOME/.docker:/home/node/.docker:ro" regctl pull-check alpine
#
# One base for both stages, pinned by version and by digest: the tag says what it is, the digest
# makes rebuilds reproducible and a re-pushed tag harmless. Release step: refresh both together
# (`docker buildx imagetools inspect node:20.20.2-bookworm-slim` prints the index digest).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0

# ---- build: compile TypeScript to dist/ and generate the oclif manifest ----------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first: the dependency layer is rebuilt only when they change, not on every edit.
# --ignore-scripts: the package's own `prepare` (npm run build) needs the sources, copied below.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin/run.js ./bin/run.js
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies, the compiled code, nothing else ------------------------
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="regctl" \
      org.opencontainers.image.description="Registry inspection and credential audits: logins, GHCR packages, pull verdicts" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/oclif.manifest.json ./oclif.manifest.json
COPY bin/run.js ./bin/run.js
# The files stay owned by root, so the process cannot modify its own code; it runs as the
# image's unprivileged `node` user (uid 1000, HOME /home/node).
USER node
ENTRYPOINT ["node", "/app/bin/run.js"]
CMD ["--help"]
