// SPDX-License-Identifier: Apache-2.0
/* esp-tls client: --resume and the report (summary lines on stderr, or JSON on stdout). */
#include <string.h>

#include "client.h"

#if CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS
void client_resume(client_opts_t *o, esp_tls_t *tls, client_result_t *r)
{
    esp_tls_client_session_t *saved = esp_tls_get_client_session(tls);
    esp_tls_conn_destroy(tls); /* before reconnecting: a one-at-a-time server is free again */
    r->resume_tried = true;
    r->session_saved = saved != NULL;
    o->cfg.client_session = saved;
    int64_t t0 = cli_now_ms();
    esp_tls_t *again = esp_tls_init();
    r->resume_rc = again != NULL ? (o->url ? esp_tls_conn_http_new_sync(o->url, &o->cfg, again)
                                           : esp_tls_conn_new_sync(o->host, (int)strlen(o->host),
                                                                   o->port, &o->cfg, again))
                                 : -1;
    r->resume_ms = cli_now_ms() - t0;
    r->resumed = r->resume_rc == 1 && esp_tls_session_resumed(again);
    esp_tls_conn_destroy(again);
    esp_tls_free_client_session(saved);
    o->cfg.client_session = NULL;
    if (!o->json) {
        fprintf(stderr, "resume:      session %s, reconnect %s in %lld ms, resumed: %s\n",
                r->session_saved ? "saved" : "not available",
                r->resume_rc == 1 ? "connected" : "failed", (long long)r->resume_ms,
                r->resumed ? "yes" : "no");
    }
}
#else
void client_resume(client_opts_t *o, esp_tls_t *tls, client_result_t *r)
{
    (void)o;
    (void)r;
    esp_tls_conn_destroy(tls);
    fprintf(stderr, "resume:      this build lacks CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS\n");
}
#endif

static const char *trust_name(const client_opts_t *o)
{
    if (o->insecure && o->ca.count == 0 && !o->use_bundle) {
        return "not verified (--insecure)";
    }
    if (o->global_ca) {
        return "verified (global CA store)";
    }
    if (o->ca.count > 0) {
        return "verified (--ca)";
    }
    return o->bundle.data != NULL ? "verified (bundle file)" : "verified (built-in bundle)";
}

static void print_chain(const client_opts_t *o, const client_result_t *r)
{
    if (!o->show_chain && !(r->failed && r->chain.count > 0)) {
        return;
    }
    fprintf(stderr, "peer chain:  %d certificate%s as received, leaf first\n", r->chain.count,
            r->chain.count == 1 ? "" : "s");
    for (int i = 0; i < r->chain.count; i++) {
        cli_cert_print(stderr, i, r->chain.der[i].data, r->chain.der[i].len, o->pem);
    }
}

static void print_stats(const client_opts_t *o, const client_result_t *r)
{
    if (o->stats) {
        fprintf(stderr,
                "stats:       handshake %lld ms, peak heap %zu B, idle heap %zu B, "
                "%zu allocations\n",
                (long long)r->handshake_ms, r->mem.peak_bytes, r->mem.current_bytes,
                r->mem.allocations);
    }
}

void client_report(const client_opts_t *o, const client_result_t *r)
{
    if (r->rc != 1) {
        fprintf(stderr, "connect:     %s failed after %lld ms\n", o->target,
                (long long)r->handshake_ms);
        print_chain(o, r);
        cli_error_print(stderr, &r->error);
        print_stats(o, r);
        return;
    }
    fprintf(stderr, "connected:   %s in %lld ms\n", o->target, (long long)r->handshake_ms);
    fprintf(stderr, "version:     %s\n", r->info.version);
    fprintf(stderr, "ciphersuite: %s\n", r->info.ciphersuite);
    if (r->info.group[0] != '\0') {
        fprintf(stderr, "group:       %s\n", r->info.group);
    }
    fprintf(stderr, "alpn:        %s\n", r->info.alpn[0] != '\0' ? r->info.alpn : "(none)");
    if (o->cfg.peer_record_size != 0) {
        fprintf(stderr, "records in:  up to %zu bytes (asked for %u)\n", r->info.peer_record_limit,
                (unsigned)o->cfg.peer_record_size);
    }
    fprintf(stderr, "server:      %s\n", trust_name(o));
    print_chain(o, r);
    print_stats(o, r);
}

void client_report_io_failure(const client_opts_t *o, const client_result_t *r)
{
    if (o->json || !r->io_failed) {
        return;
    }
    fprintf(stderr, "failed:      after the handshake, %s\n",
            r->error.err == ESP_ERR_MBEDTLS_SSL_WRITE_FAILED ? "writing"
            : -r->error.code == ESP_TLS_ERR_SSL_TIMEOUT      ? "no data within --timeout"
                                                             : "reading");
    cli_error_print(stderr, &r->error);
}

static void json_chain(cli_json_t *j, const client_opts_t *o, const client_result_t *r)
{
    cli_json_array(j, "chain");
    for (int i = 0; i < r->chain.count; i++) {
        cli_cert_json(j, r->chain.der[i].data, r->chain.der[i].len, o->pem);
    }
    cli_json_close(j, ']');
}

static void json_session(cli_json_t *j, const client_result_t *r)
{
    cli_json_str(j, "version", r->rc == 1 ? r->info.version : NULL);
    cli_json_str(j, "ciphersuite", r->rc == 1 ? r->info.ciphersuite : NULL);
    cli_json_str(j, "alpn", r->rc == 1 && r->info.alpn[0] ? r->info.alpn : NULL);
    cli_json_str(j, "group", r->rc == 1 && r->info.group[0] ? r->info.group : NULL);
    if (r->rc == 1) {
        cli_json_int(j, "peer_record_limit", (long long)r->info.peer_record_limit);
    } else {
        cli_json_null(j, "peer_record_limit");
    }
    cli_json_object(j, "stats");
    cli_json_int(j, "handshake_ms", r->handshake_ms);
    cli_json_int(j, "heap_peak", (long long)r->mem.peak_bytes);
    cli_json_int(j, "heap_idle", (long long)r->mem.current_bytes);
    cli_json_int(j, "allocations", (long long)r->mem.allocations);
    cli_json_close(j, '}');
}

static void json_resume(cli_json_t *j, const client_result_t *r)
{
    if (!r->resume_tried) {
        cli_json_null(j, "resume");
        return;
    }
    cli_json_object(j, "resume");
    cli_json_bool(j, "session_saved", r->session_saved);
    cli_json_bool(j, "connected", r->resume_rc == 1);
    cli_json_bool(j, "resumed", r->resumed);
    cli_json_int(j, "handshake_ms", r->resume_ms);
    cli_json_close(j, '}');
}

void client_report_json(const client_opts_t *o, const client_result_t *r, int exit_code)
{
    cli_json_t j;
    cli_json_begin(&j, stdout);
    cli_json_str(&j, "command", "client");
    cli_json_str(&j, "target", o->target);
    cli_json_bool(&j, "connected", r->rc == 1);
    cli_json_int(&j, "exit", exit_code);
    cli_json_bool(&j, "verified", r->rc == 1 && !(o->insecure && o->ca.count == 0));
    json_session(&j, r);
    json_chain(&j, o, r);
    if (r->failed) {
        cli_error_json(&j, "error", &r->error);
    } else {
        cli_json_null(&j, "error");
    }
    if (o->request != NULL) {
        cli_json_strn(&j, "response", (const char *)r->response.data, r->response.len);
    } else {
        cli_json_null(&j, "response");
    }
    if (r->closed != ESP_TLS_CLOSE_NONE) {
        cli_json_str(&j, "closed", r->closed == ESP_TLS_CLOSE_NOTIFY ? "close_notify" : "eof");
    } else {
        cli_json_null(&j, "closed");
    }
    json_resume(&j, r);
    cli_json_end(&j);
}
