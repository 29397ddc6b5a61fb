/* auth: registry credentials as the docker CLI stores them, turned into the
 * X-Registry-Auth value the engine wants for pulls and pushes. Reads
 * config.json from $DOCKER_CONFIG, else ~/.docker ("auths": {"host":
 * {"auth": base64("user:password")} or {"identitytoken": ...}}). Credential
 * helpers (credsStore, credHelpers) are not run. Pure apart from reading
 * that one file; the returned strings are malloc'ed and the caller's. */
#ifndef WCOMPOSE_ENGINE_AUTH_H
#define WCOMPOSE_ENGINE_AUTH_H

#include <stddef.h>

/* The registry an image reference lives on, as the config keys name it:
 * "127.0.0.1:5000" for "127.0.0.1:5000/app:v1", "docker.io" when the first
 * component is no host (no '.', no ':', not "localhost"). */
char *auth_registry_new(const char *ref);

/* The X-Registry-Auth value for ref from the config file text json (NULL:
 * no file), or NULL when the file has no credentials for its registry. */
char *auth_header_from_config_new(const char *json, const char *ref);

/* The same from the config file the docker CLI would read. */
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
