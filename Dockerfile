# Healer: one image, one component per container (`node bin/healer.js <component>`: api, worker,
# llm-worker, scanner, watchdog, mcp). Used by deploy/ and docker-compose.temporal.yml.

# ── build: compile TypeScript and bundle the workflows ──────────────────────────────────────────
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are not needed: native parts (Temporal core bridge, swc) ship prebuilt binaries.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

# ── runtime: production dependencies, compiled code, playbooks ──────────────────────────────────
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/playbooks ./playbooks
COPY --from=build /app/examples ./examples
# Non-root (the Kubernetes manifests run as 10001 with a read-only root filesystem); state goes to
# HEALER_STATE_DIR, a writable volume.
RUN mkdir -p /var/lib/healer && chown 10001:10001 /var/lib/healer
USER 10001:10001
ENV HEALER_STATE_DIR=/var/lib/healer
EXPOSE 8083 9464
ENTRYPOINT ["node", "bin/healer.js"]
CMD ["api"]
