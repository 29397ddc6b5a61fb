/* The head of a hijacked attach's answer, on bytes recorded from a real
 * engine (tests/unit/data/attach-*.raw): whole, cut short at every
 * offset, with stream bytes after it, and malformed. */
#include "tap.h"
#include "engine/hijack.h"
#include "util/buf.h"
#include "util/err.h"

#include <stdlib.h>

static struct buf load(const char *name)
{
  const char *top = getenv("TOP_SRCDIR");
  char path[4096];
  snprintf(path, sizeof(path), "%s/tests/unit/data/%s", top ? top : ".", name);
  struct buf b = BUF_INIT;
  if (buf_read_file(&b, path)) {
    printf("Bail out! cannot read %s\n", path);
    exit(1);
  }
  return b;
}

int main(void)
{
  struct err err = ERR_INIT;
  struct hijack_head h;

  struct buf up = load("attach-101.raw");
  int rc = hijack_head_parse(up.data, up.len, &h, &err);
  is_int(rc, 0, "101: the head is whole");
  is_int(h.status, 101, "101: status");
  is_int((long long)h.len, (long long)up.len, "101: the head is all of it");
  is_int(h.content_len, -1, "101: no Content-Length");

  int shorts = 0;
  for (size_t i = 0; i < up.len; i++)
    shorts += hijack_head_parse(up.data, i, &h, &err) == 1;
  is_int(shorts, (long long)up.len, "101: every prefix asks for more");

  /* stream bytes in the same read as the head stay out of it */
  struct buf more = BUF_INIT;
  buf_add(&more, up.data, up.len);
  buf_add(&more, "\1\0\0\0\0\0\0\3hi\n", 11);
  rc = hijack_head_parse(more.data, more.len, &h, &err);
  ok(!rc && h.len == up.len, "101 with a frame after: the head ends before it");
  buf_release(&more);

  struct buf nf = load("attach-404.raw");
  rc = hijack_head_parse(nf.data, nf.len, &h, &err);
  is_int(rc, 0, "404: the head is whole");
  is_int(h.status, 404, "404: status");
  ok(h.len < nf.len && !strncmp(nf.data + h.len, "No such container", 17),
     "404: the text follows the head");

  const char *cl = "HTTP/1.1 500 Internal Server Error\r\n"
                   "content-length: 25\r\n\r\n{\"message\":\"went wrong\"}\n";
  rc = hijack_head_parse(cl, strlen(cl), &h, &err);
  ok(!rc && h.status == 500 && h.content_len == 25,
     "Content-Length in any case");

  const char *nothttp = "SSH-2.0-OpenSSH\r\n\r\n";
  rc = hijack_head_parse(nothttp, strlen(nothttp), &h, &err);
  is_int(rc, ERR_PROTO, "not HTTP: ERR_PROTO");
  is_int(hijack_head_parse("SSH-2", 5, &h, &err), ERR_PROTO,
         "not HTTP: known from the first bytes");
  const char *nostatus = "HTTP/1.1 abc\r\n\r\n";
  rc = hijack_head_parse(nostatus, strlen(nostatus), &h, &err);
  is_int(rc, ERR_PROTO, "no status: ERR_PROTO");

  struct buf big = BUF_INIT;
  buf_addstr(&big, "HTTP/1.1 101 UPGRADED\r\n");
  while (big.len < HIJACK_HEAD_MAX)
    buf_addstr(&big, "X-Padding: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n");
  rc = hijack_head_parse(big.data, big.len, &h, &err);
  is_int(rc, ERR_LIMIT, "a head over the cap: ERR_LIMIT");
  buf_release(&big);

  buf_release(&up);
  buf_release(&nf);
  err_release(&err);
  printf("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}
