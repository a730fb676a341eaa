# The app image, used by the web and worker services of docker-compose.yml (ROLES picks the role).
FROM node:20-bookworm-slim
WORKDIR /app

# Manifests first so the dependency layer is cached across source edits.
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
# Dev dependencies are needed: tsx runs the server, vite builds the client.
RUN npm ci --no-audit --no-fund

COPY . .
RUN npm run build

ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
EXPOSE 3000
CMD ["npx", "tsx", "server/src/main.ts"]
