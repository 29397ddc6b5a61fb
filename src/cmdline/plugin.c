/* plugin: the docker CLI's plugin calling convention (see plugin.h). */
#include "config.h"

#include "cmdline/plugin.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "docker-"

/* The docker CLI's global options: which take a value, and the variable
 * a value goes to (NULL: skipped; "": refused; CONTEXT: the context,
 * handed back to the caller). */
static const char CONTEXT[] = "context";
static const struct {
  const char *short_name, *long_name;
  int takes_value;
  const char *env;
} docker_options[] = {
    {"-H", "--host", 1, "DOCKER_HOST"}, {NULL, "--config", 1, "DOCKER_CONFIG"},
    {"-D", "--debug", 0, NULL},         {"-l", "--log-level", 1, NULL},
    {"-c", "--context", 1, CONTEXT},    {NULL, "--tls", 0, ""},
    {NULL, "--tlsverify", 0, ""},       {NULL, "--tlscacert", 1, ""},
    {NULL, "--tlscert", 1, ""},         {NULL, "--tlskey", 1, ""},
};

/* The option w names, its value (NULL when none) in *value; -1: none. */
static int find_option(const char *w, const char **value)
{
  *value = NULL;
  for (size_t i = 0; i < sizeof(docker_options) / sizeof(docker_options[0]);
       i++) {
    const char *names[] = {docker_options[i].short_name,
                           docker_options[i].long_name};
    for (int k = 0; k < 2; k++) {
      size_t n = names[k] ? strlen(names[k]) : 0;
      if (!n || strncmp(w, names[k], n))
        continue;
      if (!w[n])
        return (int)i;
      if (docker_options[i].takes_value && w[n] == '=') {
        *value = w + n + 1;
        return (int)i;
      }
    }
  }
  return -1;
}

int plugin_call(int argc, char **argv, int *first, const char **context,
                struct err *err)
{
  *first = 0;
  *context = NULL;
  if (argc == 2 && !strcmp(argv[1], "docker-cli-plugin-metadata"))
    return PLUGIN_METADATA;
  const char *base = argc > 1 ? strrchr(argv[0], '/') : NULL;
  base = base ? base + 1 : argv[0];
  if (!base || strncmp(base, PREFIX, strlen(PREFIX)) || !base[strlen(PREFIX)])
    return PLUGIN_NONE;
  const char *name = base + strlen(PREFIX);
  /* Find the plugin's name after the docker options first: a command line
   * of wcompose's own (`docker-compose -f x.yaml up`) changes nothing. */
  int i = 1;
  for (; i < argc && strcmp(argv[i], name); i++) {
    const char *value;
    int o = find_option(argv[i], &value);
    if (o < 0)
      return PLUGIN_NONE;
    if (docker_options[o].takes_value && !value)
      i++;
  }
  if (i >= argc)
    return PLUGIN_NONE;
  int host = 0;
  for (int k = 1; k < i; k++) {
    const char *value;
    int o = find_option(argv[k], &value);
    if (docker_options[o].takes_value && !value)
      value = argv[++k];
    const char *env = docker_options[o].env;
    if (env == CONTEXT) {
      *context = value;
      continue;
    }
    if (env && !*env)
      return err_set(err, ERR_USAGE,
                     "wcompose: docker's '%s' is not honoured by the plugin "
                     "(set DOCKER_HOST, DOCKER_TLS_VERIFY and "
                     "DOCKER_CERT_PATH, or use a docker context)",
                     docker_options[o].long_name);
    if (env && setenv(env, value, 1))
      return err_set(err, ERR_NOMEM, "wcompose: setting %s", env);
    host |= !strcmp(env ? env : "", "DOCKER_HOST");
  }
  /* the docker CLI refuses both as ambiguous */
  if (host && *context)
    return err_set(err, ERR_USAGE,
                   "wcompose: conflicting options: either specify --host or "
                   "--context, not both");
  *first = i;
  return PLUGIN_RUN;
}

const char *plugin_metadata_json(const char *version)
{
  static char json[256];
  snprintf(json, sizeof(json),
           "{\"SchemaVersion\":\"0.1.0\",\"Vendor\":\"wcompose\","
           "\"Version\":\"%s\",\"ShortDescription\":\"Define and run "
           "multi-container applications (wcompose)\"}\n",
           version);
  return json;
}
