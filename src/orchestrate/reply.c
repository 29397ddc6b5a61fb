/* reply: engine answers read as cJSON, for oneoff and exec only. */
#include "orchestrate/reply.h"

const char *reply_id(const struct engine_result *res)
{
  const cJSON *id =
      res->json ? cJSON_GetObjectItemCaseSensitive(res->json, "Id") : NULL;
  return cJSON_IsString(id) && *id->valuestring ? id->valuestring : NULL;
}

int reply_wait_code(const struct engine_result *res, int *code)
{
  const cJSON *sc =
      res->json ? cJSON_GetObjectItemCaseSensitive(res->json, "StatusCode")
                : NULL;
  if (!cJSON_IsNumber(sc))
    return ERR_PROTO;
  *code = sc->valueint;
  return 0;
}

int reply_exec_state(const struct engine_result *res, int *running, int *code)
{
  const cJSON *run =
      res->json ? cJSON_GetObjectItemCaseSensitive(res->json, "Running") : NULL;
  const cJSON *ec =
      res->json ? cJSON_GetObjectItemCaseSensitive(res->json, "ExitCode")
                : NULL;
  if (!cJSON_IsBool(run))
    return ERR_PROTO;
  *running = cJSON_IsTrue(run);
  if (*running)
    return 0;
  if (!cJSON_IsNumber(ec))
    return ERR_PROTO;
  *code = ec->valueint;
  return 0;
}
