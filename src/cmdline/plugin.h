/* plugin: wcompose as a docker CLI plugin. Installed as
 * ~/.docker/cli-plugins/docker-compose (or docker-NAME), the docker CLI
 * runs it as `docker-compose docker-cli-plugin-metadata` to learn what it
 * is, and as `docker-compose [DOCKER OPTIONS] compose [ARGS...]` for
 * `docker compose ARGS...`. This reads that layout: the docker CLI's own
 * options before the plugin's name are turned into the environment the
 * engine connection reads (-H/--host into DOCKER_HOST, --config into
 * DOCKER_CONFIG), the ones that change nothing here (--debug, --log-level)
 * are skipped, and the others are refused with a line that says what to
 * use instead. Contexts are not read: the default context and DOCKER_HOST
 * are what a plugin run honours. */
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
 * arguments) and the environment is set from the docker options before
 * it. ERR_USAGE with a line in err for a docker option wcompose cannot
 * honour. */
int plugin_call(int argc, char **argv, int *first, struct err *err);

/* The metadata JSON the docker CLI asks for, with version; static text. */
const char *plugin_metadata_json(const char *version);

#endif
