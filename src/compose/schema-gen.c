/* schema-gen: a build tool that turns schemas/compose-spec.json into C, the
 * parsed tree as static cJSON nodes (schema_compose_nodes[0] is the root),
 * so the binary carries its schema already parsed and loading it costs
 * nothing. The nodes are those cJSON_Parse makes, field for field; the
 * schema unit test compares the two trees. Equal strings are stored once,
 * which the validator relies on to compile each pattern once.
 * Usage: schema-gen compose-spec.json > schema-data.c */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cJSON **nodes;
static size_t nnodes, anodes;
static const char **strs;
static size_t nstrs, astrs;

static void collect(const cJSON *n)
{
  for (; n; n = n->next) {
    if (nnodes == anodes) {
      anodes = anodes ? 2 * anodes : 1024;
      nodes = realloc(nodes, anodes * sizeof(*nodes));
      if (!nodes)
        exit(2);
    }
    nodes[nnodes++] = n;
    collect(n->child);
  }
}

static long node_index(const cJSON *n)
{
  for (size_t i = 0; i < nnodes; i++)
    if (nodes[i] == n)
      return (long)i;
  return -1;
}

static long str_index(const char *s)
{
  if (!s)
    return -1;
  for (size_t i = 0; i < nstrs; i++)
    if (!strcmp(strs[i], s))
      return (long)i;
  if (nstrs == astrs) {
    astrs = astrs ? 2 * astrs : 1024;
    strs = realloc(strs, astrs * sizeof(*strs));
    if (!strs)
      exit(2);
  }
  strs[nstrs] = s;
  return (long)nstrs++;
}

static void put_literal(const char *s)
{
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      printf("\\%c", *p);
    else if (*p < 0x20 || *p >= 0x7f || *p == '?')
      printf("\\%03o", *p);
    else
      putchar(*p);
  }
  putchar('"');
}

static void put_node_ptr(const char *field, const cJSON *n)
{
  long i = n ? node_index(n) : -1;
  if (i < 0)
    printf("    .%s = NULL,\n", field);
  else
    printf("    .%s = (cJSON *)&schema_compose_nodes[%ld],\n", field, i);
}

static void put_str_ptr(const char *field, const char *s)
{
  long i = str_index(s);
  if (i < 0)
    printf("    .%s = NULL,\n", field);
  else
    printf("    .%s = (char *)s%ld,\n", field, i);
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t n = 0, a = 65536;
  char *b = malloc(a);
  size_t got;
  while (b && (got = fread(b + n, 1, a - n - 1, f)) > 0) {
    n += got;
    if (n + 1 == a) {
      char *nb = realloc(b, a *= 2);
      if (!nb)
        free(b);
      b = nb;
    }
  }
  if (b)
    b[n] = '\0';
  fclose(f);
  return b;
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: schema-gen compose-spec.json > schema-data.c\n");
    return 2;
  }
  char *text = slurp(argv[1]);
  if (!text) {
    fprintf(stderr, "schema-gen: cannot read '%s'\n", argv[1]);
    return 1;
  }
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
  if (!root) {
    fprintf(stderr, "schema-gen: %s: invalid JSON near offset %ld\n", argv[1],
            end ? (long)(end - text) : 0L);
    free(text);
    return 1;
  }
  collect(root);
  /* strings first, numbered in the order the nodes use them */
  for (size_t i = 0; i < nnodes; i++) {
    str_index(nodes[i]->string);
    str_index(nodes[i]->valuestring);
  }
  printf("/* Generated from schemas/compose-spec.json by schema-gen: the "
         "parsed\n * schema as static cJSON nodes, the root first. */\n"
         "#include <cjson/cJSON.h>\n#include <stddef.h>\n\n"
         "extern const cJSON schema_compose_nodes[];\n\n");
  for (size_t i = 0; i < nstrs; i++) {
    printf("static const char s%zu[] = ", i);
    put_literal(strs[i]);
    printf(";\n");
  }
  printf("\nconst cJSON schema_compose_nodes[] = {\n");
  for (size_t i = 0; i < nnodes; i++) {
    const cJSON *n = nodes[i];
    printf("  {\n");
    put_node_ptr("next", n->next);
    put_node_ptr("prev", n->prev);
    put_node_ptr("child", n->child);
    printf("    .type = %d,\n", n->type);
    put_str_ptr("valuestring", n->valuestring);
    printf("    .valueint = %d,\n", n->valueint);
    printf("    .valuedouble = %.17g,\n", n->valuedouble);
    put_str_ptr("string", n->string);
    printf("  },\n");
  }
  printf("};\n");
  cJSON_Delete(root);
  free(text);
  free(nodes);
  free(strs);
  if (fflush(stdout) || ferror(stdout)) {
    fprintf(stderr, "schema-gen: write error\n");
    return 1;
  }
  return 0;
}
