/* Inside the engine client: the structs of types.h made from parsed JSON,
 * for the calls that fill struct engine_result. Not for use outside
 * src/engine/. */
#ifndef WCOMPOSE_ENGINE_TYPES_INT_H
#define WCOMPOSE_ENGINE_TYPES_INT_H

#include <cjson/cJSON.h>

#include "engine/types.h"

/* As the _parse functions of types.h, from JSON already parsed (j is
 * borrowed; *out set on success only). */
int types_container_list_from_json(const cJSON *j,
                                   struct engine_container_list **out,
                                   struct err *err);
int types_container_info_from_json(const cJSON *j,
                                   struct engine_container_info **out,
                                   struct err *err);
int types_image_info_from_json(const cJSON *j, struct engine_image_info **out,
                               struct err *err);
int types_image_list_from_json(const cJSON *j, struct engine_image_list **out,
                               struct err *err);
int types_network_info_from_json(const cJSON *j,
                                 struct engine_network_info **out,
                                 struct err *err);
int types_network_list_from_json(const cJSON *j,
                                 struct engine_network_list **out,
                                 struct err *err);
int types_volume_info_from_json(const cJSON *j, struct engine_volume_info **out,
                                struct err *err);
int types_volume_list_from_json(const cJSON *j, struct engine_volume_list **out,
                                struct err *err);
int types_event_from_json(const cJSON *j, struct engine_event **out,
                          struct err *err);
int types_version_info_from_json(const cJSON *j,
                                 struct engine_version_info **out,
                                 struct err *err);
int types_top_from_json(const cJSON *j, struct engine_top **out,
                        struct err *err);
int types_exec_info_from_json(const cJSON *j, struct engine_exec_info **out,
                              struct err *err);
int types_stats_from_json(const cJSON *j, struct engine_stats **out,
                          struct err *err);
int types_wait_from_json(const cJSON *j, struct engine_wait **out,
                         struct err *err);
int types_created_from_json(const cJSON *j, struct engine_created **out,
                            struct err *err);

int types_swarm_info_from_json(const cJSON *j, struct engine_swarm_info **out,
                               struct err *err);
int types_node_list_from_json(const cJSON *j, struct engine_node_list **out,
                              struct err *err);
int types_service_list_from_json(const cJSON *j,
                                 struct engine_service_list **out,
                                 struct err *err);
int types_task_list_from_json(const cJSON *j, struct engine_task_list **out,
                              struct err *err);
int types_swarm_object_list_from_json(const cJSON *j,
                                      struct engine_swarm_object_list **out,
                                      struct err *err);
int types_distribution_from_json(const cJSON *j,
                                 struct engine_distribution **out,
                                 struct err *err);
/* {"ID": ...} of service, config and secret create, as a created reply. */
int types_swarm_created_from_json(const cJSON *j, struct engine_created **out,
                                  struct err *err);

#endif
