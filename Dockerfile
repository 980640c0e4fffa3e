# Production image: one stateless ASGI worker (uvicorn) per container.
FROM python:3.11-slim-bookworm AS frontend
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_MANIFEST=true
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=frontend /src/frontend/node_modules/@utrecht/component-library-css/dist/index.css frontend/static/vendor/utrecht/index.css
COPY --from=frontend /src/frontend/node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css frontend/static/vendor/voorbeeld/theme.css
# Our code compiled here, once: PYTHONDONTWRITEBYTECODE keeps a worker from writing it, so without
# this every worker compiled its 250 modules again at every start, about 0.2 s of CPU (17 %) of a
# restart (docs/scaling.md, "A new worker"). pip compiled the packages when it installed them.
RUN SECRET_KEY=build-only-not-secret-0123456789-0123456789-0123456789 python manage.py collectstatic --noinput \
    && python -m compileall -q config wijkverband \
    && useradd --system --uid 1000 wijkverband
USER wijkverband
EXPOSE 8000
CMD ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--timeout-keep-alive", "5", "--proxy-headers", "--forwarded-allow-ips", "*"]
