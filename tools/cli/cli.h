// SPDX-License-Identifier: Apache-2.0
/*
 * esp-tls command-line tool: what the subcommands share (exit codes, files, certificates,
 * output). The tool uses the public API only: esp_tls.h, esp_tls_ext.h, esp_crt_bundle.h,
 * esp_tls_errors.h and esp_log.h.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "esp_tls.h"
#include "esp_tls_ext.h"

/* Exit codes, the same for every subcommand (docs/cli.md). */
#define CLI_OK 0    /* done; connected; verified */
#define CLI_FAIL 1  /* TLS or verification failure (also: unknown code for `explain`) */
#define CLI_USAGE 2 /* bad command line, unreadable input file, feature not in this build */
#define CLI_NET 3   /* DNS, TCP connect, timeout, bind */

#define CLI_MAX_CERTS 4096         /* certificates in one set (a system CA file has ~150) */
#define CLI_FILE_MAX (1024 * 1024) /* input files: a system CA file is ~220 KiB */

/* Subcommands: argv[0] is the subcommand's name. */
int cli_client(int argc, char **argv);
int cli_get(int argc, char **argv);
int cli_server(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_bundle(int argc, char **argv);
int cli_explain(int argc, char **argv);
int cli_config(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_ota(int argc, char **argv);

/* --- util.c ----------------------------------------------------------------------------- */

/** A file's bytes, followed by a NUL that @p len does not count. */
typedef struct {
    unsigned char *data;
    size_t len;
} cli_buf_t;

/** Print "esp-tls CMD: message" and a hint to --help on stderr; return CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * getopt_long() (optstring ":h") refused a word: @p c is '?' (unknown) or ':' (value missing).
 * Names the word and the subcommand (and openssl's equivalents); returns CLI_USAGE.
 */
int cli_bad_option(const char *cmd, int c, int argc, char **argv);

/** Read a whole file of at most CLI_FILE_MAX bytes. On failure print why and return false. */
bool cli_read_file(const char *path, cli_buf_t *out);

/** Append @p len bytes to @p buf (the NUL is kept after them). */
bool cli_buf_append(cli_buf_t *buf, const void *data, size_t len);

void cli_buf_free(cli_buf_t *buf);

/** A PEM file (it contains "-----BEGIN"). */
bool cli_is_pem(const cli_buf_t *buf);

/** Parse a number in [min, max]: decimal, 0x hex or 0 octal (codes, flags, suite ids). */
bool cli_parse_long(const char *s, long min, long max, long *out);

/** Like cli_parse_long(), decimal only (ports, counts, times: "0443" is 443, never octal). */
bool cli_parse_decimal(const char *s, long min, long max, long *out);

/** Replace \r \n \t \\ \0 and \xHH escapes in place; return the new length. */
size_t cli_unescape(char *s);

/** Split a comma list in place into @p items (NULL-terminated); return the count or -1. */
int cli_split_list(char *list, const char **items, int max);

/** Decode hex in place; return the byte count or -1. */
int cli_hex_decode(char *hex);

/** Monotonic milliseconds. */
int64_t cli_now_ms(void);

/** "HOST:PORT", "[V6]:PORT" or a URL. Returns false on a malformed argument. */
bool cli_parse_target(const char *arg, char *host, size_t host_len, int *port, bool *is_url);

/* --- certs.c ---------------------------------------------------------------------------- */

/** Certificates as DER, in file order (zero-initialise; cli_certs_free() releases). */
typedef struct {
    cli_buf_t *der;
    int count, cap;
} cli_certs_t;

/** Append one DER certificate (taken over: @p der is emptied). */
bool cli_certs_take(cli_certs_t *set, cli_buf_t *der);

/** Append the certificates of a PEM or DER file. Prints why and returns false on failure. */
bool cli_certs_load(cli_certs_t *set, const char *path);

/** Append the certificates of a buffer (PEM blocks or concatenated DER). */
bool cli_certs_parse(cli_certs_t *set, const unsigned char *data, size_t len);

void cli_certs_free(cli_certs_t *set);

/** All certificates as one PEM text; out->len counts the NUL (as cacert_bytes wants). */
bool cli_certs_to_pem(const cli_certs_t *set, cli_buf_t *out);

/** All certificates as concatenated DER. */
bool cli_certs_to_der(const cli_certs_t *set, cli_buf_t *out);

/* --- json.c ----------------------------------------------------------------------------- */

/** A streaming JSON writer (one object on one line, then a newline). */
typedef struct {
    FILE *f;
    int depth;
    bool need_comma[16];
} cli_json_t;

void cli_json_begin(cli_json_t *j, FILE *f);
void cli_json_end(cli_json_t *j);
void cli_json_object(cli_json_t *j, const char *key); /* key NULL inside an array */
void cli_json_array(cli_json_t *j, const char *key);
void cli_json_close(cli_json_t *j, char bracket);                     /* '}' or ']' */
void cli_json_str(cli_json_t *j, const char *key, const char *value); /* NULL: null */
void cli_json_strn(cli_json_t *j, const char *key, const char *value, size_t len);
void cli_json_int(cli_json_t *j, const char *key, long long value);
void cli_json_bool(cli_json_t *j, const char *key, bool value);
void cli_json_null(cli_json_t *j, const char *key);
void cli_json_hex(cli_json_t *j, const char *key, long long value); /* "0x2700", "-0x7200" */

/* --- report.c --------------------------------------------------------------------------- */

/** What a failed connection or verification captured, with its explanation. */
typedef struct {
    esp_err_t err;
    int code;  /* Mbed TLS code, positive as captured */
    int flags; /* X.509 verification flags */
    int sys;   /* errno */
    esp_tls_explanation_t why;
} cli_error_t;

/** Read (and clear) the codes of @p h and explain them. */
void cli_error_capture(esp_tls_error_handle_t h, cli_error_t *e);

/** The exit code for a captured error: CLI_NET for DNS/TCP/timeout, else CLI_FAIL. */
int cli_error_exit(const cli_error_t *e);

void cli_error_print(FILE *f, const cli_error_t *e);
void cli_error_json(cli_json_t *j, const char *key, const cli_error_t *e);

/** Print one certificate summary ("  [0] subject ..."); @p pem adds its PEM form. */
void cli_cert_print(FILE *f, int index, const unsigned char *der, size_t len, bool pem);

/** One certificate as a JSON object inside an array. */
void cli_cert_json(cli_json_t *j, const unsigned char *der, size_t len, bool pem);

/* --- options shared by client and server (tlsopts.c) ------------------------------------ */

/** --ciphers: IANA names or 0xHHHH numbers to a zero-terminated list. */
bool cli_parse_ciphers(const char *cmd, char *list, int *ids, int max);

/** The IANA name of a suite id from the table, or NULL. */
const char *cli_cipher_name(int id);

/**
 * Logs from the environment, applied once at start through the public API: $ESP_TLS_LOG
 * (esp_tls_log_configure()); without it and with @p quiet the library's log lines are off (the
 * subcommand explains failures itself). Then $ESP_TLS_MBEDTLS_DEBUG=0..4
 * (esp_tls_set_mbedtls_debug_level()). --debug comes after this.
 */
void cli_logs_from_env(bool quiet);

/** Log and debug: --debug LEVEL. */
bool cli_set_debug(const char *cmd, const char *level);
