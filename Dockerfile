# One image for every replica: `docker run --env-file ensemble.env ensemble-bot`.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY commands commands
COPY integrations integrations
COPY sandbox sandbox
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home /app ensemble
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY locales locales
ENV ENSEMBLE_LOCALES_DIR=/app/locales \
    ENSEMBLE_LOG__FORMAT=json \
    PYTHONUNBUFFERED=1
USER ensemble
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz').status != 200)"
ENTRYPOINT ["ensemble-bot"]
CMD ["run"]
