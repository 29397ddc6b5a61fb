/* plugin: wcompose as a docker CLI plugin. Installed as
 * ~/.docker/cli-plugins/docker-compose (or docker-NAME), the docker CLI
 * runs it as `docker-compose docker-cli-plugin-metadata` to learn what it
 * is, and as `docker-compose [DOCKER OPTIONS] compose [ARGS...]` for
 * `docker compose ARGS...`. This reads that layout: the docker CLI's own
 * options before the plugin's name are turned into the environment the
 * engine connection reads (-H/--host into DOCKER_HOST, --config into
 * DOCKER_CONFIG), -c/--context is handed back (it is wcompose's own
 * --context), the ones that change nothing here (--debug, --log-level)
 * are skipped, and the TLS ones are refused with a line that says what to
 * use instead. */
#ifndef WCOMPOSE_CMDLINE_PLUGIN_H
#define WCOMPOSE_CMDLINE_PLUGIN_H

struct err;

enum plugin_call {
  PLUGIN_NONE,     /* not a plugin call: wcompose's own command line */
  PLUGIN_METADATA, /* print plugin_metadata_json and exit 0 */
  PLUGIN_RUN       /* a plugin run: argv from *first on is ours */
};

/* What argv is. For PLUGIN_RUN, *first is the index of the plugin's name
 * (argv[*first] reads as the program name, argv[*first + 1] on as its
 * arguments), the environment is set from the docker options before it,
 * and *context is docker's --context (a string of argv), else NULL.
 * ERR_USAGE with a line in err for a docker option wcompose cannot honour,
 * and for --host with --context (ambiguous, as the docker CLI says). */
int plugin_call(int argc, char **argv, int *first, const char **context,
                struct err *err);

/* The metadata JSON the docker CLI asks for, with version; static text. */
const char *plugin_metadata_json(const char *version);

#endif
