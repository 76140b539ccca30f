# One image for web, worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=nq57portal.settings.production
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-liberation2 fonts-croscore libharfbuzz-subset0 \
       libpango-1.0-0 libpangoft2-1.0-0 poppler-utils postgresql-client curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir . && useradd --create-home --uid 1000 portal
COPY . .
RUN SECRET_KEY=build-only-key-build-only-key-build-only-key-000000 ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
    && mkdir -p /data/private && chown -R portal /data /app
USER portal
EXPOSE 8000
CMD ["gunicorn", "nq57portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
