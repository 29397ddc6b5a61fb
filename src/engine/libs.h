/* libcurl and libarchive, loaded on first use (util/dlib): a command that
 * never talks to the engine (config, --version) or never writes a tar does
 * not pay the dynamic loader for them and their dependency trees (OpenSSL,
 * GnuTLS, Kerberos, LDAP, libxml2, ICU...). Code calls sym_NAME where it
 * would call NAME; the pointers are valid once the matching _load returned
 * 0, until the process exits. */
#ifndef WCOMPOSE_ENGINE_LIBS_H
#define WCOMPOSE_ENGINE_LIBS_H

#include "util/dlib.h"
#include "util/err.h"

#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>

/* Load libcurl (its soname found by configure) and call curl_global_init
 * once. 0, or ERR_NOTFOUND/ERR_ENGINE with the reason in err. */
int engine_libcurl_load(struct err *err);
/* Load libarchive. 0, or ERR_NOTFOUND with the reason in err. */
int engine_libarchive_load(struct err *err);

#define ENGINE_CURL_SYMS(X)                                                    \
  X(curl_easy_cleanup)                                                         \
  X(curl_easy_escape)                                                          \
  X(curl_easy_getinfo)                                                         \
  X(curl_easy_init)                                                            \
  X(curl_easy_perform)                                                         \
  X(curl_easy_recv)                                                            \
  X(curl_easy_send)                                                            \
  X(curl_easy_setopt)                                                          \
  X(curl_easy_strerror)                                                        \
  X(curl_free)                                                                 \
  X(curl_global_init)                                                          \
  X(curl_multi_add_handle)                                                     \
  X(curl_multi_assign)                                                         \
  X(curl_multi_cleanup)                                                        \
  X(curl_multi_info_read)                                                      \
  X(curl_multi_init)                                                           \
  X(curl_multi_remove_handle)                                                  \
  X(curl_multi_setopt)                                                         \
  X(curl_multi_socket_action)                                                  \
  X(curl_multi_strerror)                                                       \
  X(curl_slist_append)                                                         \
  X(curl_slist_free_all)

#define ENGINE_ARCHIVE_SYMS(X)                                                 \
  X(archive_entry_clear)                                                       \
  X(archive_entry_copy_pathname)                                               \
  X(archive_entry_free)                                                        \
  X(archive_entry_hardlink)                                                    \
  X(archive_entry_new)                                                         \
  X(archive_entry_pathname)                                                    \
  X(archive_entry_set_filetype)                                                \
  X(archive_entry_set_gid)                                                     \
  X(archive_entry_set_hardlink)                                                \
  X(archive_entry_set_mtime)                                                   \
  X(archive_entry_set_pathname)                                                \
  X(archive_entry_set_perm)                                                    \
  X(archive_entry_set_size)                                                    \
  X(archive_entry_set_symlink)                                                 \
  X(archive_entry_set_uid)                                                     \
  X(archive_error_string)                                                      \
  X(archive_read_data_block)                                                   \
  X(archive_read_free)                                                         \
  X(archive_read_new)                                                          \
  X(archive_read_next_header)                                                  \
  X(archive_read_open)                                                         \
  X(archive_read_support_format_tar)                                           \
  X(archive_set_error)                                                         \
  X(archive_write_close)                                                       \
  X(archive_write_data)                                                        \
  X(archive_write_data_block)                                                  \
  X(archive_write_disk_new)                                                    \
  X(archive_write_disk_set_options)                                            \
  X(archive_write_disk_set_standard_lookup)                                    \
  X(archive_write_finish_entry)                                                \
  X(archive_write_free)                                                        \
  X(archive_write_header)                                                      \
  X(archive_write_new)                                                         \
  X(archive_write_open)                                                        \
  X(archive_write_set_bytes_per_block)                                         \
  X(archive_write_set_format_pax_restricted)

#define ENGINE_LIBS_EXTERN_(name) extern DLIB_PROTOTYPE(name);
ENGINE_CURL_SYMS(ENGINE_LIBS_EXTERN_)
ENGINE_ARCHIVE_SYMS(ENGINE_LIBS_EXTERN_)
#undef ENGINE_LIBS_EXTERN_

#endif
