# The app image for the web and worker services of docker-compose.yml (ROLES picks the role).
# build: installs everything, builds the client and bundles the server into plain JavaScript.
# deps:  installs only the server's production dependencies (no dev tools; embedded-postgres is
#        optional and left out: the image always runs with DATABASE_URL).
# final: those modules and the built files, run by plain `node` as the unprivileged node user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first so the dependency layer is cached across source edits.
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm run build:server

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
# The workspace links (@kanban/*) would dangle in the final image: the bundle contains them.
RUN npm ci --omit=dev --omit=optional --workspace server --no-audit --no-fund \
  && rm -rf node_modules/@kanban && mkdir -p server/node_modules

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
# Owned by root and read-only for the app user: the process cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/server/node_modules ./server/node_modules
COPY server/package.json ./server/
COPY migrations ./migrations
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/client/dist ./client/dist
USER node
EXPOSE 3000
CMD ["node", "server/dist/main.js"]
