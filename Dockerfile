# syntax=docker/dockerfile:1

# Build: every dependency (TypeScript, Vite), then the server (dist/) and the web app (web/dist/),
# then drop the development dependencies so the runtime stage copies production ones only.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Runtime: the built server, its production dependencies and the built web app, as an unprivileged user.
FROM node:22-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# DATA_DIR holds the embedded database when DATABASE_URL is unset (a trial, not production).
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
# No curl in the slim image: Node's own fetch asks /healthz (the process is alive).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself (close-with-grace drains requests, then stops).
CMD ["node", "dist/main.js"]
