# One image for every replica: `docker run --env-file ensemble.env ensemble-bot`.
# The simulated servers (sandbox/, the distribution `ensemble-sandbox`) are never copied here.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY commands commands
COPY integrations integrations
COPY composition composition
# The message catalogs are installed inside the wheel (package `ensemble_locales`).
COPY locales locales
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --user-group --uid 10001 --home /app ensemble
WORKDIR /app
COPY --from=build /wheels /wheels
# The run-time image keeps what the bot runs and nothing that builds or installs: the
# installers go once the wheel is in (the base image's pip, setuptools and wheel), and so does
# Babel's data for languages the bot does not speak (33 of its 35 MiB; fr and en stay).
# bench/image_footprint.py prints what the dependencies weigh before and after.
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && find /usr/local/lib/python3.11/site-packages/babel/locale-data -name '*.dat' \
        ! -name 'fr*' ! -name 'en*' ! -name 'root.dat' -delete \
    && python -m pip uninstall --yes --quiet pip setuptools wheel \
    && python -m compileall -q -j 0 /usr/local/lib/python3.11
# The base image deletes the standard library's bytecode and the bot's user may not write it:
# compiled here (about 15 MB), or every start of every replica compiles each standard module
# it imports again (0.45-0.9 s more to ready on a 2-core machine, see bench/startup.py).
# Without ENSEMBLE_STORE__URL the store is SQLite in ./data: a folder the bot's user may write,
# kept on a volume so that it outlives the container (PostgreSQL is the production store).
RUN install -d -o ensemble -g ensemble -m 0750 /app/data \
    && install -d -o ensemble -g ensemble -m 0750 /config
VOLUME /app/data
# /config: where deploy/compose/ shares the env file `ensemble-bot provision` writes (a new
# named volume mounted there starts with this owner, so the bots' user may write and read it).
ENV ENSEMBLE_LOG__FORMAT=json \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER ensemble
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz').status != 200)"
ENTRYPOINT ["ensemble-bot"]
CMD ["run"]
