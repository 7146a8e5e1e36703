# syntax=docker/dockerfile:1
#
# regctl as a container image.
#   docker build -t regctl \
#     --build-arg VERSION="$(node -p 'require("./package.json").version')" \
#     --build-arg REVISION="$(git rev-parse HEAD)" .
#   docker run --rm -v "$HOME/.docker:/home/node/.docker:ro" regctl pull-check alpine
# The config is only ever read. It is found at DOCKER_CONFIG=/home/node/.docker for every uid, so
# when the host user is not uid 1000 (the image's `node`), run as the host uid instead:
#   docker run --rm --user "$(id -u):$(id -g)" -v "$HOME/.docker:/home/node/.docker:ro" regctl …
#
# One base for both stages, pinned by version and by digest: the tag says what it is, the digest
# makes rebuilds reproducible and a re-pushed tag harmless. Release step: refresh both together
# (`docker buildx imagetools inspect node:24.11.1-bookworm-slim` prints the index digest).
# Node 24 is the runtime regctl supports (package.json engines).
ARG NODE_IMAGE=node:24.11.1-bookworm-slim@sha256:48abc13a19400ca3985071e287bd405a1d99306770eb81d61202fb6b65cf0b57

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
# Set by the release build (see the top of this file); "unknown" marks a local build.
ARG VERSION=unknown
ARG REVISION=unknown
# org.opencontainers.image.source is how GHCR links the package to its repository.
LABEL org.opencontainers.image.title="regctl" \
      org.opencontainers.image.description="Registry inspection and credential audits: logins, GHCR packages, pull verdicts" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/regctl-audit/regctl" \
      org.opencontainers.image.url="https://github.com/regctl-audit/regctl#readme" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
# No OS keyring in a container (no D-Bus session): regctl does not try one. The Docker config is
# looked for at one fixed path whatever the uid (see `--user` above); a host credsStore such as
# desktop, pass or secretservice is not reachable from inside: pass credentials with
# DOCKER_AUTH_CONFIG or a config that has "auths".
ENV NODE_ENV=production \
    REGCTL_NO_KEYRING=1 \
    DOCKER_CONFIG=/home/node/.docker
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
