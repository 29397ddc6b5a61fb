/* Where the engine answers, found as the docker CLI finds it: a docker
 * context (--context, DOCKER_CONTEXT or currentContext in the CLI's
 * config.json), else DOCKER_HOST (unix:// or tcp://), else
 * unix:///var/run/docker.sock; TLS from the context's TLS material, or from
 * DOCKER_TLS_VERIFY / DOCKER_TLS with the files in DOCKER_CERT_PATH; a
 * pinned API version from DOCKER_API_VERSION. The struct owns its strings. */
#ifndef WCOMPOSE_ENGINE_DOCKERHOST_H
#define WCOMPOSE_ENGINE_DOCKERHOST_H

struct err;

#define DOCKERHOST_DEFAULT "unix:///var/run/docker.sock"

enum dockerhost_kind { DOCKERHOST_UNIX, DOCKERHOST_TCP };

struct dockerhost {
  enum dockerhost_kind kind;
  char *host;        /* as given, for messages: "unix:///var/run/docker.sock" */
  char *socket_path; /* unix: the socket's path; tcp: NULL */
  char *base_url;    /* "http://localhost", "https://10.0.0.2:2376" */
  int tls;           /* tcp only: speak TLS */
  int tls_verify;    /* check the engine's certificate against ca */
  char *ca, *cert, *key; /* paths of the files that exist, else NULL */
  char *api_version;     /* DOCKER_API_VERSION ("1.41"), else NULL */
  char *cert_dir;        /* tls: where ca/cert/key.pem were looked for, for
                            messages ("~/.docker" when unknown) */
  char *context;         /* the docker context it came from, NULL for the
                            default one (DOCKER_HOST or the socket) */
};
#define DOCKERHOST_INIT                                                        \
  {                                                                            \
    DOCKERHOST_UNIX, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL,     \
        NULL                                                                   \
  }

/* Fill h as the docker CLI chooses the engine: the context named by
 * context (the --context flag; NULL or "" when not given), else the
 * default context when DOCKER_HOST is set, else the context named by
 * DOCKER_CONTEXT, else currentContext in $DOCKER_CONFIG/config.json
 * (DOCKER_CONFIG defaults to ~/.docker). The context "default" (or none)
 * is dockerhost_from_env. Another is read from the CLI's context store:
 * contexts/meta/<sha256 of the name>/meta.json gives Endpoints.docker.Host
 * and SkipTLSVerify, contexts/tls/<sha256>/docker/ holds ca.pem, cert.pem
 * and key.pem; TLS is spoken when that material exists or SkipTLSVerify is
 * set, as the docker CLI does. Errors (ERR_USAGE): a context that does not
 * exist (the message says which setting named it), one without a docker
 * endpoint, config.json or meta.json not JSON, and dockerhost_parse's, with
 * the context named. h is released on error. */
int dockerhost_resolve(struct dockerhost *h, const char *context,
                       struct err *err);

/* Fill h from the environment (the default context). Errors (ERR_USAGE, message
 * in err): a DOCKER_HOST that is not unix:// or tcp:// (npipe:// and ssh:// are
 * named as unsupported), a malformed address, a DOCKER_API_VERSION that is not
 * "MAJOR.MINOR". h is released on error. */
int dockerhost_from_env(struct dockerhost *h, struct err *err);

/* Fill h from one DOCKER_HOST value (NULL or "" for the default) with
 * the TLS settings given; used by dockerhost_from_env and the tests.
 * cert_dir may be NULL (no files). */
int dockerhost_parse(struct dockerhost *h, const char *host, int tls,
                     int tls_verify, const char *cert_dir, struct err *err);

void dockerhost_release(struct dockerhost *h);

#endif
