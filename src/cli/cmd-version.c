/* wcompose version: this program's version, then the engine's (as
 * `docker compose version` and `docker version` print them) with the API
 * version negotiated for this client. */
#include "config.h"

#include "cli/cli.h"
#include "engine/api.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct version_run {
  cJSON *info; /* GET /version, taken from the result */
  char api[16];
  struct err err;
  int rc;
};

static void on_version(void *ctx, struct engine_result *res)
{
  struct version_run *v = ctx;
  v->rc = res->rc;
  if (res->rc) {
    const char *t = res->err->text ? res->err->text : "";
    size_t n = strlen(t);
    while (n && t[n - 1] == '\n')
      n--;
    err_set(&v->err, res->rc, "%.*s", (int)n, t);
    return;
  }
  v->info = res->json;
  res->json = NULL;
  if (res->api_version)
    snprintf(v->api, sizeof(v->api), "%s", res->api_version);
}

static const char *field(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : "-";
}

static int ask_engine(struct version_run *v)
{
  uv_loop_t loop;
  struct engine *e = NULL;
  uv_loop_init(&loop);
  v->rc = engine_new(&loop, NULL, &e, &v->err);
  if (!v->rc) {
    v->rc = engine_version(e, on_version, v, &v->err);
    if (!v->rc)
      uv_run(&loop, UV_RUN_DEFAULT);
    engine_free(e);
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  uv_loop_close(&loop);
  return v->rc;
}

static void print_text(const struct version_run *v, const char *host)
{
  const cJSON *i = v->info;
  printf("Engine:\n");
  printf(" Version:          %s\n", field(i, "Version"));
  printf(" API version:      %s (minimum version %s)\n", field(i, "ApiVersion"),
         field(i, "MinAPIVersion"));
  printf(" API in use:       %s (wcompose speaks %s to %s)\n",
         v->api[0] ? v->api : "-", ENGINE_API_MIN, ENGINE_API_MAX);
  printf(" Go version:       %s\n", field(i, "GoVersion"));
  printf(" Git commit:       %s\n", field(i, "GitCommit"));
  printf(" Built:            %s\n", field(i, "BuildTime"));
  printf(" OS/Arch:          %s/%s\n", field(i, "Os"), field(i, "Arch"));
  printf(" Host:             %s\n", host);
}

enum { O_SHORT = 1, O_FORMAT };

static const struct cli_option options[] = {
    {O_SHORT, 0, "short", NULL,
     "Print wcompose's version only, without asking the engine"},
    {O_FORMAT, 0, "format", "FORMAT", "json (default: text)", 0, "json"},
    {0}};

static int cmd_version(struct cli_global *g, const struct cli_args *args)
{
  int json = cli_value(args, O_FORMAT) != NULL,
      shrt = cli_flag(args, O_SHORT) > 0;
  if (args->pos.n) {
    fprintf(stderr, "wcompose version: unexpected argument '%s'\n",
            args->pos.v[0]);
    return EXIT_USAGE;
  }
  if (shrt) {
    printf("%s\n", PACKAGE_VERSION);
    return EXIT_OK;
  }
  if (!json) {
    printf("wcompose version %s\n", PACKAGE_VERSION);
    fflush(stdout);
  }
  struct version_run v = {NULL, "", ERR_INIT, 0};
  const char *host = getenv("DOCKER_HOST");
  host = host && *host ? host : "unix:///var/run/docker.sock";
  int rc = ask_engine(&v);
  if (json) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "version", PACKAGE_VERSION);
    if (!rc) {
      cJSON *en = cJSON_AddObjectToObject(o, "engine");
      cJSON_AddStringToObject(en, "version", field(v.info, "Version"));
      cJSON_AddStringToObject(en, "apiVersion", field(v.info, "ApiVersion"));
      cJSON_AddStringToObject(en, "minApiVersion",
                              field(v.info, "MinAPIVersion"));
      cJSON_AddStringToObject(en, "negotiatedApiVersion", v.api);
      cJSON_AddStringToObject(en, "os", field(v.info, "Os"));
      cJSON_AddStringToObject(en, "arch", field(v.info, "Arch"));
      cJSON_AddStringToObject(en, "host", host);
    }
    char *s = cJSON_PrintUnformatted(o);
    printf("%s\n", s);
    cJSON_free(s);
    cJSON_Delete(o);
  } else if (!rc) {
    print_text(&v, host);
  }
  cJSON_Delete(v.info);
  if (rc) {
    cli_print_err(&v.err);
    err_release(&v.err);
    return rc == ERR_CONNECT || rc == ERR_USAGE ? EXIT_NOENGINE : EXIT_FAIL;
  }
  err_release(&v.err);
  return EXIT_OK;
}

const struct cli_command cmd_version_entry = {
    .name = "version",
    .summary = "Show the wcompose and engine versions",
    .usage = "[OPTIONS]",
    .description = "Show the wcompose version and the engine's version with "
                   "the API version in use.\n",
    .options = options,
    .run = cmd_version};
