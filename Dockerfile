# Trellis's production image: one image for the web, worker and beat
# processes (see compose.yaml and docs/operations.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=trellis.settings_production \
    TRELLIS_HOME=/srv/trellis \
    TRELLIS_VAR_DIR=/srv/trellis/var

WORKDIR /srv/trellis
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . \
    && useradd --system --home /srv/trellis trellis \
    && mkdir -p var/media \
    && DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build trellis collectstatic --noinput \
    && chown -R trellis /srv/trellis/var
USER trellis
EXPOSE 8000
CMD ["gunicorn", "trellis.wsgi", "--workers", "4", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
