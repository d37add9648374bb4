// SPDX-License-Identifier: Apache-2.0
/*
 * esp_tls_explain(): a cause and a fix for the codes a connection captured, from the tables
 * in explain_tables.c plus what the connection saw (the name expected, the alert received).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "esp_tls_ext.h"
#include "mbedtls/build_info.h"
#include "mbedtls/error.h"

/* Append to a NUL-terminated buffer, cutting short rather than overflowing. */
static void append(char *buf, size_t size, const char *fmt, ...)
{
    size_t used = strnlen(buf, size);
    if (used + 1 >= size) {
        return;
    }
    va_list args;
    va_start(args, fmt);
    vsnprintf(buf + used, size - used, fmt, args);
    va_end(args);
}

/* A row's cause; rows that mention a buffer size get the configured one. */
static void append_cause(esp_tls_explanation_t *out, const diag_row_t *row)
{
    if (strstr(row->cause, "%u") != NULL) {
        append(out->cause, sizeof(out->cause), row->cause, (unsigned)MBEDTLS_SSL_IN_CONTENT_LEN);
    } else {
        append(out->cause, sizeof(out->cause), "%s", row->cause);
    }
}

static void explain_flags(uint32_t flags, esp_tls_explanation_t *out)
{
    append(out->cause, sizeof(out->cause),
           "certificate verification failed (flags 0x%x): ", (unsigned)flags);
    const char *sep = "";
    for (const diag_row_t *r = diag_flag_rows; r->name != NULL; r++) {
        if ((flags & r->code) == 0) {
            continue;
        }
        append(out->cause, sizeof(out->cause), "%s%s: %s", sep, r->name, r->cause);
        if (r->fix[0] != '\0') {
            append(out->fix, sizeof(out->fix), "%s%s", out->fix[0] ? "; " : "", r->fix);
        }
        sep = "; ";
    }
}

/* Mbed TLS codes combine a high-level part (0x1000..0x7F80) and a low-level one (< 0x80). */
static bool explain_mbedtls(int code, esp_tls_explanation_t *out)
{
    /* the magnitude without abs(): abs(INT_MIN) is undefined */
    uint32_t c = code < 0 ? 0u - (uint32_t)code : (uint32_t)code;
    if (c > 0xFFFFu) {
        append(out->cause, sizeof(out->cause), "-0x%X: not an Mbed TLS error code", c);
        return false;
    }
    const diag_row_t *whole = esp_tls_diag_find(diag_mbedtls_rows, c);
    const diag_row_t *high = whole ? whole : esp_tls_diag_find(diag_mbedtls_rows, c & ~0x7Fu);
    const diag_row_t *low = whole ? NULL : esp_tls_diag_find(diag_mbedtls_rows, c & 0x7Fu);
    const diag_row_t *first = high ? high : low;
    if (first == NULL) {
        char text[128];
        mbedtls_strerror(-(int)c, text, sizeof(text));
        append(out->cause, sizeof(out->cause), "-0x%04X: %s", c, text);
        append(out->fix, sizeof(out->fix), "enable debug output (ESP_TLS_MBEDTLS_DEBUG=3)");
        return strstr(text, "UNKNOWN") == NULL;
    }
    append(out->cause, sizeof(out->cause), "-0x%04X %s: ", c, first->name);
    append_cause(out, first);
    append(out->fix, sizeof(out->fix), "%s", first->fix);
    if (high != NULL && low != NULL) {
        append(out->cause, sizeof(out->cause), " (low-level %s: ", low->name);
        append_cause(out, low);
        append(out->cause, sizeof(out->cause), ")");
    }
    return true;
}

static bool explain_esp(esp_err_t err, esp_tls_explanation_t *out)
{
    const diag_row_t *r = esp_tls_diag_find(diag_esp_rows, (uint32_t)err);
    if (r == NULL) {
        append(out->cause, sizeof(out->cause), "0x%x (%s): no explanation known", (unsigned)err,
               esp_err_to_name(err));
        return false;
    }
    append(out->cause, sizeof(out->cause), "%s: ", r->name);
    append_cause(out, r);
    append(out->fix, sizeof(out->fix), "%s", r->fix);
    return true;
}

esp_err_t esp_tls_explain_codes(esp_err_t err, int mbedtls_code, uint32_t flags,
                                esp_tls_explanation_t *out)
{
    ESP_ENSURE(out != NULL, ESP_ERR_INVALID_ARG);
    memset(out, 0, sizeof(*out));
    bool known;
    if (flags != 0) {
        explain_flags(flags, out);
        known = true;
    } else if (mbedtls_code != 0) {
        known = explain_mbedtls(mbedtls_code, out);
    } else {
        known = explain_esp(err, out);
    }
    return known ? ESP_OK : ESP_ERR_NOT_FOUND;
}

/* A TLS 1.3 server that sees a record it cannot decrypt during the handshake has most often
 * received the client's alert after the client refused our certificate (Mbed TLS 3.6 then fails
 * with INVALID_MAC rather than reading the alert). */
static void add_server_hint(const esp_tls_t *tls, esp_tls_explanation_t *out)
{
    const esp_tls_last_error_t *e = &tls->err.parent;
    if (tls->role == ESP_TLS_SERVER && e->esp_tls_error_code == 0x7180 &&
        e->last_error == ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED) {
        append(out->cause, sizeof(out->cause),
               ". During a handshake this is usually the client's alert after it refused this "
               "server's certificate");
        snprintf(out->fix, sizeof(out->fix), "%s",
                 "check the client's log: it likely does not trust this server's certificate or "
                 "its name");
    }
}

/* What the connection saw, added to the explanation of its codes. */
static void add_context(const esp_tls_diag_t *d, void *arg)
{
    esp_tls_explanation_t *out = arg;
    add_server_hint(d->tls, out);
    if (d->expected[0] != '\0') {
        append(out->cause, sizeof(out->cause), ". Expected name \"%s\"; the certificate holds: %s",
               d->expected, d->leaf_names[0] ? d->leaf_names : "(no names)");
    }
    if (d->alert >= 0) {
        const char *name = esp_tls_diag_alert_name(d->alert);
        append(out->cause, sizeof(out->cause), ". Alert received: %d (%s)", d->alert,
               name ? name : "unknown alert");
    }
}

esp_err_t esp_tls_explain(esp_tls_error_handle_t h, esp_tls_explanation_t *out)
{
    ESP_ENSURE(h != NULL && out != NULL, ESP_ERR_INVALID_ARG);
    esp_err_t rc = esp_tls_explain_codes(h->last_error, h->esp_tls_error_code,
                                         (uint32_t)h->esp_tls_flags, out);
    (void)esp_tls_diag_with_handle(h, add_context, out);
    return rc == ESP_ERR_NOT_FOUND ? ESP_OK : rc;
}

/* TLS alert descriptions (RFC 8446 §6, RFC 5246 §7.2). */
static const struct {
    int code;
    const char *name;
} s_alerts[] = {
    {0, "close_notify"},
    {10, "unexpected_message"},
    {20, "bad_record_mac"},
    {22, "record_overflow"},
    {40, "handshake_failure: no common parameters (version, ciphersuite, group)"},
    {42, "bad_certificate"},
    {43, "unsupported_certificate"},
    {44, "certificate_revoked"},
    {45, "certificate_expired"},
    {46, "certificate_unknown: the peer does not trust our certificate"},
    {47, "illegal_parameter"},
    {48, "unknown_ca: the peer does not know our certificate's CA"},
    {49, "access_denied"},
    {50, "decode_error"},
    {51, "decrypt_error"},
    {70, "protocol_version: the peer refuses our TLS versions"},
    {71, "insufficient_security"},
    {80, "internal_error"},
    {86, "inappropriate_fallback"},
    {90, "user_canceled"},
    {109, "missing_extension"},
    {110, "unsupported_extension"},
    {112, "unrecognized_name: the server does not serve the name sent in SNI"},
    {113, "bad_certificate_status_response"},
    {115, "unknown_psk_identity"},
    {116, "certificate_required: the server requires a client certificate"},
    {120, "no_application_protocol: no ALPN protocol in common"},
};

const char *esp_tls_diag_alert_name(int alert)
{
    for (size_t i = 0; i < sizeof(s_alerts) / sizeof(s_alerts[0]); i++) {
        if (s_alerts[i].code == alert) {
            return s_alerts[i].name;
        }
    }
    return NULL;
}
