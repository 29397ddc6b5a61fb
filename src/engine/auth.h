/* auth: registry credentials as the docker CLI stores them, turned into the
 * X-Registry-Auth value the engine wants for pulls and pushes. Reads
 * config.json from $DOCKER_CONFIG, else ~/.docker ("auths": {"host":
 * {"auth": base64("user:password")} or {"identitytoken": ...}}), and runs
 * the credential helpers it names as the docker CLI does: credHelpers'
 * entry for the registry, else credsStore, else the auths entry. Pure
 * apart from reading that one file and running the helper (blocking, or
 * on a libuv loop); the returned strings are malloc'ed and the caller's. */
#ifndef WCOMPOSE_ENGINE_AUTH_H
#define WCOMPOSE_ENGINE_AUTH_H

#include <stddef.h>
#include <uv.h>

struct err;

/* The registry an image reference lives on, as the config keys name it:
 * "127.0.0.1:5000" for "127.0.0.1:5000/app:v1", "docker.io" when the first
 * component is no host (no '.', no ':', not "localhost"). */
char *auth_registry_new(const char *ref);

/* The X-Registry-Auth value for ref from the config file text json (NULL:
 * no file), or NULL when the file has no credentials for its registry. */
char *auth_header_from_config_new(const char *json, const char *ref);

/* The credential helper for registry in the config text json:
 * credHelpers' entry for it, else credsStore, else NULL (read auths). */
char *auth_helper_name_new(const char *json, const char *registry);

/* A helper's answer to "get" ({"ServerURL", "Username", "Secret"}; the user
 * "<token>" means Secret is an identity token) as the header for server:
 * 0 and *out set, or ERR_PROTO (message in err). */
int auth_header_from_helper_new(const char *answer, const char *server,
                                char **out, struct err *err);

/* Run "docker-credential-HELPER get" with registry's server address on
 * stdin ("https://index.docker.io/v1/" for docker.io), bounded to 30 s:
 * 0 and *out the header, or NULL when the helper holds nothing for it
 * ("credentials not found"); else an error naming the helper and what it
 * printed (ERR_NOTFOUND when it is not on PATH). Blocks while it runs (a stack
 * deploy's; pulls and pushes use auth_header_from_helper_start). */
int auth_header_from_helper(const char *helper, const char *registry,
                            char **out, struct err *err);

/* The header for ref from the config file the docker CLI would read:
 * 0 and *out (NULL: no credentials), or a helper's error. */
int auth_header_lookup(const char *ref, char **out, struct err *err);

/* The lookups on a loop: a credential helper runs as a child of loop
 * (uv_spawn, its stdout on a pipe, a 30 s deadline), so a slow one holds
 * up nothing else. cb runs once, from the loop, never from the start call:
 * rc 0 and header (the caller's to free; NULL: no credentials), or an
 * error with err, as the blocking forms give. The loop must run until it
 * did; the lookup frees itself after. */
typedef void (*auth_lookup_cb)(void *ctx, int rc, char *header,
                               const struct err *err);
void auth_header_from_helper_start(uv_loop_t *loop, const char *helper,
                                   const char *registry, auth_lookup_cb cb,
                                   void *ctx);
void auth_header_lookup_start(uv_loop_t *loop, const char *ref,
                              auth_lookup_cb cb, void *ctx);

/* The same, errors dropped (no credentials). */
char *auth_header_new(const char *ref);

/* A config.json holding only the credentials of the config file text
 * json (NULL: none): {"auths": {"host": {"auth": ...}}}, each entry's auth,
 * identitytoken and registrytoken; what compose's use_api_socket gives a
 * container. Never NULL. */
char *auth_config_auths_from_new(const char *json);
/* The same from the config file the docker CLI would read. */
char *auth_config_auths_new(void);

/* base64 of n bytes (url: the URL-safe alphabet, as the engine decodes
 * X-Registry-Auth), and its inverse (NULL on bad input; *n its length). */
char *auth_base64_new(const unsigned char *data, size_t n, int url);
unsigned char *auth_unbase64_new(const char *text, size_t *n);

#endif
