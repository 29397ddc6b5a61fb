/* The function tables of libcurl and libarchive, filled by dlopen on the
 * first request to the engine or the first tar stream. */
#include "config.h"

#include "engine/libs.h"

#define DEFINE_(name) DLIB_PROTOTYPE(name);
ENGINE_CURL_SYMS(DEFINE_)
ENGINE_ARCHIVE_SYMS(DEFINE_)
#undef DEFINE_

#define ENTRY_(name) DLIB_SYM(name),
static const struct dlib_sym curl_syms[] = {ENGINE_CURL_SYMS(ENTRY_)};
static const struct dlib_sym archive_syms[] = {ENGINE_ARCHIVE_SYMS(ENTRY_)};
#undef ENTRY_

static struct dlib libcurl = {CURL_SONAME, "talking to the engine", curl_syms,
                              sizeof(curl_syms) / sizeof(curl_syms[0]), 0};
static struct dlib libarchive = {
    ARCHIVE_SONAME, "tar streams (build contexts, cp, watch sync)",
    archive_syms, sizeof(archive_syms) / sizeof(archive_syms[0]), 0};

static int curl_ready;

int engine_libcurl_load(struct err *err)
{
  int rc = dlib_load(&libcurl, err);
  if (rc || curl_ready)
    return rc;
  if (sym_curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return err_set(err, ERR_ENGINE, "cannot initialize libcurl");
  curl_ready = 1;
  return 0;
}

int engine_libarchive_load(struct err *err)
{
  return dlib_load(&libarchive, err);
}
