# Helferruf as one container: the web chat and every channel on port 3000,
# the embedded database (PGlite) in the volume /data unless DATABASE_URL points
# at a PostgreSQL server. Configuration: see .env.example.
#
#   docker build -t helferruf .
#   docker run -p 3000:3000 -v helferruf-data:/data helferruf

# --- build: compile TypeScript and generate the Prisma client ----------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The stand-in for the Matrix crypto library is a local package (packages/matrix-crypto-unavailable).
COPY packages ./packages
# --ignore-scripts: nothing here needs install scripts (npm 11 skips them anyway);
# the image's npm 10 would otherwise run Prisma's engine-download postinstall.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# --- runtime: compiled code and production dependencies only -----------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app

# The Prisma CLI, TypeScript and the test tools are devDependencies and stay out.
# --omit=optional too: @prisma/client names `prisma` and `typescript` as optional
# peers, which makes npm keep them (and the CLI's whole tree) under --omit=dev alone.
# The only optional runtime package it drops is pg-cloudflare (Cloudflare Workers only).
COPY package.json package-lock.json ./
# The stand-in for the Matrix crypto library is a local package (packages/matrix-crypto-unavailable).
COPY packages ./packages
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

# The compiled code finds its data files by walking up from its own folder to the
# one with package.json, so these keep their places beside it: /app/locales,
# /app/bots/web/public, /app/app/places/de-places.tsv, /app/prisma/migrations.
COPY --from=build /app/dist ./dist
COPY locales ./locales
COPY bots/web/public ./bots/web/public
COPY app/places/de-places.tsv ./app/places/de-places.tsv
COPY app/moderation/wordlists ./app/moderation/wordlists
COPY prisma/migrations ./prisma/migrations

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000

# No curl in the slim image: Node's own fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "dist/app/main.js"]
