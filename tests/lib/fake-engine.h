/* fake-engine: a scripted Docker engine for unit tests. Threads of the test
 * process listen on a unix socket in a fresh temporary directory and answer
 * each HTTP request (one per connection, each connection in its own thread,
 * so a slow answer holds up nothing else) from the first rule of the script
 * that matches it, and record every request for the test to read
 * afterwards. The test's libuv loop and struct engine run in the main
 * thread; every function here may be called from it at any time (one mutex
 * guards the script and the log).
 *
 * Patterns (rules and log queries alike) are matched against the request
 * target with its "/v1.NN" prefix removed. '*' matches any run of
 * characters, slashes included; every other character matches itself. A
 * pattern without '?' is matched against the path alone (the query is
 * ignored); a pattern with '?' against path and query. So a trailing '*'
 * makes a prefix ("/containers/" then '*': any container call),
 * "/containers/create" matches every create whatever its query, and
 * "/containers/create?name=p-a-1" only that one. A method of NULL or "*"
 * matches any method; a pattern of NULL matches any target.
 *
 * GET /_ping is answered "OK" with "Api-Version: 1.41" when no rule of the
 * script matches it (fake_engine_ping_version changes that); any other
 * request no rule matches gets 404 {"message":"fake engine: no rule for
 * METHOD TARGET"} and is recorded with rule -1.
 *
 * Ownership: fake_engine_start returns a server that fake_engine_stop ends
 * and frees (every thread joined, every fd closed, the socket and its
 * directory removed). Rules are copied in. What the log functions return
 * belongs to the caller (free, fake_request_release). */
#ifndef WCOMPOSE_TESTS_FAKE_ENGINE_H
#define WCOMPOSE_TESTS_FAKE_ENGINE_H

#include <stddef.h>

#include <uv.h>

struct engine;
struct err;
struct fake_engine;

/* A gate holds an answer at most this long, then lets it go (and the
 * request is marked gate_timeout); a held stream (FAKE_END_HOLD) is cut
 * after FAKE_HOLD_MAX_MS, so a test that forgets to cancel fails instead of
 * hanging. */
#define FAKE_GATE_MAX_MS 10000
#define FAKE_HOLD_MAX_MS 20000
/* Bytes of each request body kept in the log (body_len counts them all). */
#define FAKE_BODY_MAX ((size_t)1 << 20)

/* One piece of a streamed answer, written as one chunk. */
struct fake_piece {
  const char *data;
  size_t len;   /* 0: strlen(data) */
  int delay_ms; /* pause before this piece */
};

/* How a streamed answer ends. */
enum fake_end {
  FAKE_END_DONE, /* the last (empty) chunk, then close: a complete answer */
  FAKE_END_CUT,  /* close without the last chunk: a stream cut mid-way */
  FAKE_END_HOLD  /* keep the connection open until the client hangs up
                    (cancel), fake_engine_stop, or FAKE_HOLD_MAX_MS */
};

/* One rule of the script: which requests it answers, and how. A zeroed
 * rule with a method and pattern answers 200, application/json, empty. */
struct fake_rule {
  const char *method;  /* "POST"; NULL or "*": any */
  const char *pattern; /* see above; NULL: any */
  int times;           /* answer this many requests, then fall through to
                          the rules after it; 0: no limit */
  int status;          /* 0: 200 */
  const char *type;    /* Content-Type; NULL: application/json */
  const char *body;    /* a complete answer with Content-Length; NULL: "" */
  const char *headers; /* extra header lines, each ending in "\r\n" */
  int delay_ms;        /* pause before the head: a slow answer */
  const char *gate;    /* hold the head until this gate is open
                          (fake_engine_open, or a rule's opens) */
  const char *opens;   /* open this gate as soon as the rule matches */
  /* A streamed answer instead of body: chunked (or raw), the pieces in
   * order, then end. Any of stream, npieces or end makes it a stream. */
  int stream;
  const struct fake_piece *pieces;
  size_t npieces;
  enum fake_end end;
  int raw; /* no chunked framing, no Content-Length: the pieces as they are,
              ended by closing (an attach): FAKE_END_DONE shuts the sending
              side and reads the client's late input until it hangs up (a
              clean end), FAKE_END_CUT closes at once */
};

/* A request as the server read it. */
struct fake_request {
  char *method;
  char *target;     /* as sent: "/v1.41/containers/create?name=p-a-1" */
  char *path;       /* without the version prefix: "/containers/create?..." */
  char *headers;    /* the header lines as sent, each ending in "\r\n" */
  char *body;       /* dechunked, NUL-terminated, at most FAKE_BODY_MAX */
  size_t body_len;  /* bytes received, kept or not */
  int rule;         /* index of the rule that answered, counted from 0 over
                       every rule added since start; -1: none */
  int gate_timeout; /* its gate did not open in FAKE_GATE_MAX_MS */
  unsigned long seq_in;  /* when it was read (one counter for both) */
  unsigned long seq_out; /* when its answer ended: the last byte sent,
                            before closing; for a held stream, when the
                            client hung up; 0: not yet */
};

/* Start a server on a new socket. Aborts when it cannot (a test). */
struct fake_engine *fake_engine_start(void);
/* Stop every connection (delays, gates and held streams end at once),
 * join the threads, remove the socket and its directory, free f. */
void fake_engine_stop(struct fake_engine *f);

/* The socket's path, its directory, and "unix://<socket>". */
const char *fake_engine_socket(const struct fake_engine *f);
const char *fake_engine_dir(const struct fake_engine *f);
const char *fake_engine_url(const struct fake_engine *f);

/* engine_new on loop for this server. api_version pins the version as
 * DOCKER_API_VERSION would (no /_ping); NULL negotiates with a ping. */
int fake_engine_client(struct fake_engine *f, uv_loop_t *loop,
                       const char *api_version, struct engine **out,
                       struct err *err);

/* --- the script --- */

/* Append a rule (copied, pieces and strings included). Rules are tried in
 * the order added; the first that matches and is not used up answers. */
void fake_engine_add(struct fake_engine *f, const struct fake_rule *r);
/* Shorthand: a complete answer. */
void fake_engine_reply(struct fake_engine *f, const char *method,
                       const char *pattern, int status, const char *body);
/* Drop every rule added so far (the log stays; indexes go on counting). */
void fake_engine_clear(struct fake_engine *f);
/* The Api-Version of the built-in /_ping answer: NULL "1.41", "" none. */
void fake_engine_ping_version(struct fake_engine *f, const char *v);
/* Open a gate: answers held by it go on; later ones do not wait. */
void fake_engine_open(struct fake_engine *f, const char *gate);

/* --- the log of requests, in the order they were read --- */

/* How many requests match (method as for rules; pattern NULL: any). */
size_t fake_engine_count(struct fake_engine *f, const char *method,
                         const char *pattern);
/* Wait until the answer to every request in the log has ended (its
 * seq_out is set): a client may have read a whole answer before the
 * server's thread noted its end. 0, or 1 after ms without that. */
int fake_engine_settle(struct fake_engine *f, unsigned ms);
/* Index in the log of the nth (from 0) request that matches, or -1. */
long fake_engine_find(struct fake_engine *f, const char *method,
                      const char *pattern, size_t nth);
/* Copy request i of the log (i < 0: from the end, -1 the last) into out.
 * Returns 0, or -1 when there is no such request (out zeroed). */
int fake_engine_get(struct fake_engine *f, long i, struct fake_request *out);
void fake_request_release(struct fake_request *r);
/* The body of the nth matching request (malloc'd), or NULL. */
char *fake_engine_body(struct fake_engine *f, const char *method,
                       const char *pattern, size_t nth);
/* "METHOD path\n" for each matching request, in order (malloc'd; "" when
 * none). The path is without version prefix, with its query. */
char *fake_engine_log(struct fake_engine *f, const char *method,
                      const char *pattern);
/* Requests no rule answered (built-in pings not counted). */
size_t fake_engine_unmatched(struct fake_engine *f);
/* Forget the requests read so far. */
void fake_engine_log_clear(struct fake_engine *f);

/* Whether pattern matches the path (query as described above); for tests
 * that filter fake_request themselves. */
int fake_engine_match(const char *pattern, const char *path);

#endif
