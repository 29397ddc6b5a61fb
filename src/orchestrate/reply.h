/* reply: the few fields run and exec read from the engine's answers, kept
 * in one place until the engine module returns typed results (then these
 * become field reads). Pure; strings returned are borrowed from res and
 * valid while its callback runs. */
#ifndef WCOMPOSE_ORCHESTRATE_REPLY_H
#define WCOMPOSE_ORCHESTRATE_REPLY_H

#include "engine/api.h"

/* The "Id" of a create answer (container or exec), or NULL. */
const char *reply_id(const struct engine_result *res);
/* The "StatusCode" of a wait answer: 0 and *code, or ERR_PROTO. */
int reply_wait_code(const struct engine_result *res, int *code);
/* An exec's inspect: *running, and *code once it is not running; 0, or
 * ERR_PROTO when the answer says neither. */
int reply_exec_state(const struct engine_result *res, int *running, int *code);

#endif
