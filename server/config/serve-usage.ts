/**
 * `stamper serve --help` and `stamper worker --help`: every flag and environment variable
 * the server configuration reads (server-config.ts, and the source policy in
 * server/sources/source-policy.ts), with its default. A test checks that no STAMPER_*
 * variable read there is missing here.
 */
const shared = `  --data-dir DIR       STAMPER_DATA_DIR         SQLite database, artifacts, logs, keys (default ./data)
  --cache-dir DIR      STAMPER_CACHE_DIR        base-tree and download cache (default <data-dir>/cache)
                       STAMPER_SIGNING_KEY_DIR  a signing key shared by every API process and worker, made once
                                                elsewhere and never created here (default <data-dir>/keys, made on
                                                first use)
                       STAMPER_DATABASE_URL     postgres://… to share builds, queue and events with other API
                                                processes and workers (default: SQLite in the data dir)
                       STAMPER_ARTIFACTS_URL    s3://bucket/prefix: artifacts and SBOMs in object storage, so every
                                                API process can serve them (default: the data dir); credentials from
                                                the AWS SDK's provider chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, a role…)
                       STAMPER_S3_ENDPOINT, STAMPER_S3_REGION, STAMPER_S3_FORCE_PATH_STYLE=1  a non-AWS S3 server,
                                                its region (default us-east-1), path-style URLs
                       STAMPER_ARTIFACTS_DOWNLOAD  proxy (stream through the API, default) or presigned (302 to a URL
                                                valid STAMPER_PRESIGN_SECONDS, default 300)
  --concurrency N      STAMPER_CONCURRENCY      builds run at once by this process (default 1; 0 = API only)
                       STAMPER_MIN_FREE_GB      refuse new builds below this much free disk (default 2)
                       STAMPER_KEEP_BUILDS      finished builds kept before the oldest are pruned (default 50)
                       STAMPER_MAX_ARTIFACTS_GB artifact storage kept at most (default 100)
                       STAMPER_BUILD_TIMEOUT_SECONDS  a build's time limit (default 14400)
                       STAMPER_STAGE_TIMEOUT_SECONDS  one stage's time limit (default 7200)
                       STAMPER_WORKER_HEARTBEAT_SECONDS  how often a process that builds stamps its heartbeat in
                                                the worker registry (default 10; stale after 3 missed); on
                                                Postgres a build's queue lease lapses after 3 missed (at least 10 s)
                       STAMPER_BUILD_RETRIES    Postgres: times a build whose worker died is built again on another
                                                worker (default 1; 0 = only recorded interrupted)
                       STAMPER_ALLOW_LOOPBACK_SOURCES=1  let specs name loopback sources (default: refused;
                                                link-local and cloud metadata addresses are always refused)
                       STAMPER_SOURCE_HOSTS     only these source hosts, comma-separated (default: any); the
                                                registry a containerDisk is pushed to is held to the same policy
                       STAMPER_REGISTRY_HOST    the registry (host[:port]) the two below are for; sent nowhere else
                       STAMPER_REGISTRY_USERNAME, STAMPER_REGISTRY_PASSWORD  credentials for a containerDisk push
                                                (Basic or token auth, as the registry asks; never logged or stored)`;

export const serveUsage = `usage: stamper serve [--host ADDR] [--port N] [--data-dir DIR] [--cache-dir DIR] [--concurrency N]

Runs the web app, the API and the build queue in one process.
Flags win over environment variables, environment variables over defaults.

  flag                 environment
  --host ADDR          STAMPER_HOST             address to listen on (default 127.0.0.1; any other
                                                address needs STAMPER_TOKEN)
  --port N             STAMPER_PORT             port (default 8080; 0 picks a free one)
${shared}
                       STAMPER_TOKEN            bearer token (16+ characters) required on every API request
                       STAMPER_ALLOWED_ORIGINS  extra origins accepted besides the server's own, comma-separated
                       STAMPER_STATIC_DIR       the built web app to serve (default ./dist)
                       STAMPER_BUILDS_PER_MINUTE  build submissions accepted per minute (default 20)
                       STAMPER_PREFLIGHT=0      do not check a spec's sources before queueing it (default: check)
                       STAMPER_STAND_IN_URL     a Kubernetes stand-in repository the designer offers for test images
                       STAMPER_BUILD_MODE       rootless (default: builds run as a user namespace's root, no host root)
                                                or root (opt-in for hosts without user namespaces; see README "Safety")
                       STAMPER_ACCEL            boot check accelerator: auto (default: KVM only when a probe guest
                                                runs within 3 s, else software emulation), kvm or tcg
                       STAMPER_BUILD_USER       the user rootless builds run as, with /etc/subuid and /etc/subgid ranges
                                                (default stamper-build; scripts/setup-build-user.sh creates it)
                       STAMPER_CONTAINERD_RELEASES_URL  where the designer's suggested containerd release files
                                                are fetched from (default: the containerd project's release downloads)
                       STAMPER_UPDATES_CHECK_HOURS  check every finished image for package updates this often
                                                (default 12; 0 = only when a build page asks)
`;

export const workerUsage = `usage: stamper worker [--data-dir DIR] [--cache-dir DIR] [--concurrency N] [--drain]

Runs queued builds from the same data directory as \`stamper serve\` (or the same Postgres,
with STAMPER_DATABASE_URL), without HTTP.

  flag                 environment
${shared}
  --drain                                       exit once nothing is queued or running
`;
