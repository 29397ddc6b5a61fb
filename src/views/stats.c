/* views/stats: docker stats' columns and its byte units. */
#include "views/stats.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double views_stats_cpu(const struct engine_stats *s)
{
  double cpu = (double)(s->cpu_total - s->precpu_total);
  double sys = (double)(s->system_cpu - s->presystem_cpu);
  if (cpu <= 0 || sys <= 0)
    return 0;
  return cpu / sys * (s->online_cpus > 0 ? s->online_cpus : 1) * 100.0;
}

long long views_stats_mem(const struct engine_stats *s)
{
  return s->mem_inactive < s->mem_usage ? s->mem_usage - s->mem_inactive
                                        : s->mem_usage;
}

/* docker's units: binary for memory (MiB), decimal for I/O (MB) */
static void size(char *o, size_t cap, long long v, int binary)
{
  static const char *const bin[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  static const char *const dec[] = {"B", "kB", "MB", "GB", "TB"};
  double k = binary ? 1024 : 1000, x = (double)v;
  int i = 0;
  while (x >= k && i < 4) {
    x /= k;
    i++;
  }
  snprintf(o, cap, i ? "%.3g%s" : "%.0f%s", x, binary ? bin[i] : dec[i]);
}

void views_stats_render(struct buf *out, const struct engine_stats *const *v,
                        size_t n, int json, int home)
{
  char line[512];
  if (!json) {
    if (home)
      buf_add(out, "\033[H\033[2J", 7);
    snprintf(line, sizeof(line), "%-14s %-30s %-8s %-22s %-8s %-20s %-20s %s\n",
             "CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %",
             "NET I/O", "BLOCK I/O", "PIDS");
    buf_add(out, line, strlen(line));
  }
  for (size_t i = 0; i < n; i++) {
    const struct engine_stats *s = v[i];
    char mu[16], ml[16], rx[16], tx[16], br[16], bw[16], cpu[16], mp[16];
    long long mem = views_stats_mem(s);
    size(mu, sizeof(mu), mem, 1);
    size(ml, sizeof(ml), s->mem_limit, 1);
    size(rx, sizeof(rx), s->net_rx, 0);
    size(tx, sizeof(tx), s->net_tx, 0);
    size(br, sizeof(br), s->blk_read, 0);
    size(bw, sizeof(bw), s->blk_write, 0);
    snprintf(cpu, sizeof(cpu), "%.2f%%", views_stats_cpu(s));
    snprintf(mp, sizeof(mp), "%.2f%%",
             s->mem_limit ? 100.0 * (double)mem / (double)s->mem_limit : 0);
    if (json) {
      cJSON *o = cJSON_CreateObject();
      char id[13], mus[40], net[40], blk[40];
      snprintf(id, sizeof(id), "%.12s", s->id ? s->id : "");
      snprintf(mus, sizeof(mus), "%s / %s", mu, ml);
      snprintf(net, sizeof(net), "%s / %s", rx, tx);
      snprintf(blk, sizeof(blk), "%s / %s", br, bw);
      snprintf(line, sizeof(line), "%lld", s->pids);
      cJSON_AddStringToObject(o, "ID", id);
      cJSON_AddStringToObject(o, "Name", s->name ? s->name : "");
      cJSON_AddStringToObject(o, "CPUPerc", cpu);
      cJSON_AddStringToObject(o, "MemUsage", mus);
      cJSON_AddStringToObject(o, "MemPerc", mp);
      cJSON_AddStringToObject(o, "NetIO", net);
      cJSON_AddStringToObject(o, "BlockIO", blk);
      cJSON_AddStringToObject(o, "PIDs", line);
      char *t = cJSON_PrintUnformatted(o);
      buf_add(out, t, strlen(t));
      buf_add(out, "\n", 1);
      free(t);
      cJSON_Delete(o);
      continue;
    }
    char mus[40], net[40], blk[40];
    snprintf(mus, sizeof(mus), "%s / %s", mu, ml);
    snprintf(net, sizeof(net), "%s / %s", rx, tx);
    snprintf(blk, sizeof(blk), "%s / %s", br, bw);
    snprintf(line, sizeof(line),
             "%-14.12s %-30s %-8s %-22s %-8s %-20s %-20s %lld\n",
             s->id ? s->id : "", s->name ? s->name : "", cpu, mus, mp, net, blk,
             s->pids);
    buf_add(out, line, strlen(line));
  }
}
