// SPDX-License-Identifier: Apache-2.0
/*
 * http_probe: drives esp_http_client the way an ESP-IDF application does and prints what
 * happened as key=value lines for tests/interop/lib.sh tables (the scripts in tests/http).
 *
 *   http_probe [options] --url URL [--url URL2 ...]
 *
 * Every --url is one request on the same client (set_url between them, so a kept-alive
 * connection is reused). For request N (N > 1 gets the suffix N on each key) it prints:
 *   result=0x.. (ESP_OK or ESP_ERR_HTTP_*), status=, content_length=, chunked=, complete=,
 *   persistent=, body_len=, body= (first 48 bytes), events= (the event sequence, repeats
 *   collapsed), url= (esp_http_client_get_url after the request), eagain= (is_async calls
 *   that returned ESP_ERR_HTTP_EAGAIN), errno= (esp_http_client_get_errno), tls_error=, tls_code=,
 * tls_flags= (from esp_http_client_get_and_clear_last_tls_error). Exit status: 0 if every request
 * returned ESP_OK, 1 otherwise, 2 for bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_crt_bundle.h"
#include "esp_http_client.h"
#include "esp_tls.h"

#define MAX_URLS 8
#define MAX_HEADERS 8

typedef struct {
    char events[512];
    int last_event;
    char body[49];
    long body_len;
    char header_seen[128];
} probe_state_t;

static const char *const EVENT_NAMES[] = {"ERROR",   "ON_CONNECTED", "HEADERS_SENT", "ON_HEADER",
                                          "ON_DATA", "ON_FINISH",    "DISCONNECTED", "REDIRECT"};

static esp_err_t on_event(esp_http_client_event_t *evt)
{
    probe_state_t *st = evt->user_data;
    if ((int)evt->event_id != st->last_event) {
        size_t n = strlen(st->events);
        snprintf(st->events + n, sizeof(st->events) - n, "%s%s", n ? "," : "",
                 EVENT_NAMES[evt->event_id]);
        st->last_event = (int)evt->event_id;
    }
    if (evt->event_id == HTTP_EVENT_ON_DATA) {
        long room = (long)sizeof(st->body) - 1 - st->body_len;
        if (room > 0) {
            memcpy(st->body + st->body_len, evt->data,
                   (size_t)(evt->data_len < room ? evt->data_len : room));
        }
        st->body_len += evt->data_len;
    }
    if (evt->event_id == HTTP_EVENT_ON_HEADER && strcmp(evt->header_key, "X-Probe") == 0) {
        snprintf(st->header_seen, sizeof(st->header_seen), "%zu", strlen(evt->header_value));
    }
    return ESP_OK;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = calloc(1, (size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        exit(2);
    }
    fclose(f);
    return buf;
}

typedef struct {
    esp_http_client_config_t cfg;
    const char *urls[MAX_URLS];
    int n_urls;
    const char *headers[MAX_HEADERS];
    int n_headers;
    const char *post;
    const char *method;
    bool stream;
    bool chunked;
    char *ca;
    char *global_ca;
} probe_args_t;

static esp_http_client_method_t method_of(const char *name)
{
    static const char *const names[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
    for (int i = 0; i < 6; i++) {
        if (strcmp(name, names[i]) == 0) {
            return (esp_http_client_method_t)i;
        }
    }
    fprintf(stderr, "unknown method %s\n", name);
    exit(2);
}

static void parse_args(int argc, char **argv, probe_args_t *a)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (!strcmp(o, "--url") && v && a->n_urls < MAX_URLS) {
            a->urls[a->n_urls++] = v;
        } else if (!strcmp(o, "--ca") && v) {
            a->ca = slurp(v);
            a->cfg.cert_pem = a->ca;
        } else if (!strcmp(o, "--global-ca") && v) {
            a->global_ca = slurp(v);
            a->cfg.use_global_ca_store = true;
        } else if (!strcmp(o, "--header") && v && a->n_headers < MAX_HEADERS) {
            a->headers[a->n_headers++] = v;
        } else if (!strcmp(o, "--post") && v) {
            a->post = v;
        } else if (!strcmp(o, "--method") && v) {
            a->cfg.method = method_of(v);
        } else if (!strcmp(o, "--user") && v) {
            a->cfg.username = v;
        } else if (!strcmp(o, "--pass") && v) {
            a->cfg.password = v;
        } else if (!strcmp(o, "--auth") && v) {
            a->cfg.auth_type = !strcmp(v, "basic") ? HTTP_AUTH_TYPE_BASIC : HTTP_AUTH_TYPE_DIGEST;
        } else if (!strcmp(o, "--timeout") && v) {
            a->cfg.timeout_ms = atoi(v);
        } else if (!strcmp(o, "--buffer") && v) {
            a->cfg.buffer_size = atoi(v);
        } else if (!strcmp(o, "--max-redirect") && v) {
            a->cfg.max_redirection_count = atoi(v);
        } else if (!strcmp(o, "--cn") && v) {
            a->cfg.common_name = v;
        } else {
            takes = false;
            if (!strcmp(o, "--no-redirect")) {
                a->cfg.disable_auto_redirect = true;
            } else if (!strcmp(o, "--async")) {
                a->cfg.is_async = true;
            } else if (!strcmp(o, "--stream")) {
                a->stream = true;
            } else if (!strcmp(o, "--chunked")) {
                a->stream = a->chunked = true;
            } else if (!strcmp(o, "--bundle")) {
                a->cfg.crt_bundle_attach = esp_crt_bundle_attach;
            } else {
                fprintf(stderr, "bad option %s\n", o);
                exit(2);
            }
        }
        i += takes;
    }
    if (a->n_urls == 0) {
        fprintf(stderr, "usage: http_probe [options] --url URL...\n");
        exit(2);
    }
}

/* The body in chunks of 3 bytes, framed by the application (open with write_len -1). */
static bool write_chunked(esp_http_client_handle_t c, const char *post)
{
    for (int off = 0, len = (int)strlen(post); off < len; off += 3) {
        int n = len - off < 3 ? len - off : 3;
        char head[16];
        int h = snprintf(head, sizeof(head), "%x\r\n", n);
        if (esp_http_client_write(c, head, h) != h ||
            esp_http_client_write(c, post + off, n) != n ||
            esp_http_client_write(c, "\r\n", 2) != 2) {
            return false;
        }
    }
    return esp_http_client_write(c, "0\r\n\r\n", 5) == 5;
}

/* open / write / fetch_headers / read_response / close, as an application streams */
static esp_err_t stream(esp_http_client_handle_t c, const char *post, bool chunked,
                        probe_state_t *st)
{
    int len = post ? (int)strlen(post) : 0;
    esp_err_t err = esp_http_client_open(c, chunked ? -1 : len);
    if (err != ESP_OK) {
        return err;
    }
    if (chunked ? !write_chunked(c, post ? post : "")
                : (len && esp_http_client_write(c, post, len) != len)) {
        return ESP_ERR_HTTP_WRITE_DATA;
    }
    if (esp_http_client_fetch_headers(c) < 0) {
        return ESP_ERR_HTTP_FETCH_HEADER;
    }
    char buf[300];
    int n;
    while ((n = esp_http_client_read_response(c, buf, sizeof(buf))) > 0) {
        (void)st;
    }
    return esp_http_client_is_complete_data_received(c) ? ESP_OK : ESP_FAIL;
}

static esp_err_t run_one(esp_http_client_handle_t c, const probe_args_t *a, int *eagain)
{
    probe_state_t *st;
    esp_http_client_get_user_data(c, (void **)&st);
    if (a->stream) {
        return stream(c, a->post, a->chunked, st);
    }
    esp_err_t err;
    while ((err = esp_http_client_perform(c)) == ESP_ERR_HTTP_EAGAIN) {
        ++*eagain;
    }
    return err;
}

static void report(esp_http_client_handle_t c, int idx, esp_err_t err, int eagain,
                   const probe_state_t *st)
{
    char sfx[16] = "";
    if (idx > 1) {
        snprintf(sfx, sizeof(sfx), "%d", idx);
    }
    printf("result%s=0x%x\n", sfx, (unsigned)err);
    printf("status%s=%d\n", sfx, esp_http_client_get_status_code(c));
    printf("content_length%s=%lld\n", sfx, (long long)esp_http_client_get_content_length(c));
    printf("chunked%s=%d\n", sfx, esp_http_client_is_chunked_response(c));
    printf("complete%s=%d\n", sfx, esp_http_client_is_complete_data_received(c));
    printf("persistent%s=%d\n", sfx, esp_http_client_is_persistent_connection(c));
    printf("body_len%s=%ld\n", sfx, st->body_len);
    printf("body%s=%s\n", sfx, st->body);
    printf("events%s=%s\n", sfx, st->events);
    printf("eagain%s=%d\n", sfx, eagain);
    printf("errno%s=%d\n", sfx, esp_http_client_get_errno(c));
    if (st->header_seen[0]) {
        printf("x_probe_len%s=%s\n", sfx, st->header_seen);
    }
    char url[512];
    if (esp_http_client_get_url(c, url, sizeof(url)) == ESP_OK) {
        printf("url%s=%s\n", sfx, url);
    }
    int code = 0, flags = 0;
    esp_err_t tls = esp_http_client_get_and_clear_last_tls_error(c, &code, &flags);
    printf("tls_error%s=0x%x\ntls_code%s=0x%x\ntls_flags%s=0x%x\n", sfx, (unsigned)tls, sfx,
           (unsigned)code, sfx, (unsigned)flags);
}

static void set_headers(esp_http_client_handle_t c, const probe_args_t *a)
{
    for (int i = 0; i < a->n_headers; i++) {
        char key[128];
        const char *colon = strchr(a->headers[i], ':');
        if (!colon || colon - a->headers[i] >= (long)sizeof(key)) {
            exit(2);
        }
        snprintf(key, sizeof(key), "%.*s", (int)(colon - a->headers[i]), a->headers[i]);
        esp_http_client_set_header(c, key, colon + 1 + strspn(colon + 1, " "));
    }
}

int main(int argc, char **argv)
{
    probe_args_t a = {0};
    parse_args(argc, argv, &a);
    if (a.global_ca && esp_tls_set_global_ca_store((const unsigned char *)a.global_ca,
                                                   (unsigned)strlen(a.global_ca) + 1) != ESP_OK) {
        return 2;
    }
    probe_state_t st = {.last_event = -1};
    a.cfg.url = a.urls[0];
    a.cfg.event_handler = on_event;
    a.cfg.user_data = &st;
    esp_http_client_handle_t c = esp_http_client_init(&a.cfg);
    if (!c) {
        printf("init=NULL\n");
        return 1;
    }
    set_headers(c, &a);
    if (a.post) {
        esp_http_client_set_post_field(c, a.post, (int)strlen(a.post));
    }
    int failed = 0;
    for (int i = 0; i < a.n_urls; i++) {
        if (i > 0) {
            esp_http_client_set_url(c, a.urls[i]);
            st = (probe_state_t){.last_event = -1};
        }
        int eagain = 0;
        esp_err_t err = run_one(c, &a, &eagain);
        report(c, i + 1, err, eagain, &st);
        failed |= err != ESP_OK;
    }
    esp_http_client_cleanup(c);
    if (a.global_ca) {
        esp_tls_free_global_ca_store();
    }
    free(a.ca);
    free(a.global_ca);
    return failed;
}
