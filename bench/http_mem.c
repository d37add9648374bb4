// SPDX-License-Identifier: Apache-2.0
/*
 * http_mem: the heap of a keep-alive HTTPS GET of a large file through esp_http_client,
 * compared with the same TLS connection alone (esp_tls, the request written and the response
 * read by hand). bench/http_mem.sh runs both modes under bench/malloc_count.c (every malloc of
 * the process) and prints the difference.
 *
 *   http_mem http|tls HOST PORT PATH CA_PEM_FILE
 *
 * http: esp_http_client_perform twice on one handle (the second request reuses the
 * connection); tls: esp_tls_conn_new_sync, one GET, the response read until Content-Length
 * bytes of body arrived. Prints body=N (bytes of the first response's body).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_http_client.h"
#include "esp_tls.h"

static long long s_body;

static esp_err_t on_event(esp_http_client_event_t *evt)
{
    if (evt->event_id == HTTP_EVENT_ON_DATA) {
        s_body += evt->data_len;
    }
    return ESP_OK;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? calloc(1, (size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int run_http(const char *host, int port, const char *path, const char *ca)
{
    esp_http_client_config_t cfg = {
        .host = host,
        .port = port,
        .path = path,
        .transport_type = HTTP_TRANSPORT_OVER_SSL,
        .cert_pem = ca,
        .event_handler = on_event,
    };
    esp_http_client_handle_t c = esp_http_client_init(&cfg);
    if (!c || esp_http_client_perform(c) != ESP_OK) {
        return 1;
    }
    long long first = s_body;
    esp_err_t err = esp_http_client_perform(c); /* the kept-alive connection again */
    esp_http_client_cleanup(c);
    printf("body=%lld\n", first);
    return err != ESP_OK;
}

static int run_tls(const char *host, int port, const char *path, const char *ca)
{
    esp_tls_cfg_t cfg = {.cacert_buf = (const unsigned char *)ca,
                         .cacert_bytes = (unsigned)strlen(ca) + 1,
                         .timeout_ms = 5000};
    esp_tls_t *tls = esp_tls_init();
    if (!tls || esp_tls_conn_new_sync(host, (int)strlen(host), port, &cfg, tls) != 1) {
        esp_tls_conn_destroy(tls);
        return 1;
    }
    char req[512];
    int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, host);
    esp_tls_conn_write(tls, req, (size_t)n);
    static char buf[4096];
    long long total = 0, hlen = -1, want = -1, got = 0;
    char head[4096] = "";
    size_t head_len = 0;
    while (want < 0 || got < want) {
        int r = (int)esp_tls_conn_read(tls, buf, sizeof(buf));
        if (r <= 0) {
            break;
        }
        total += r;
        if (hlen < 0) {
            size_t room = sizeof(head) - 1 - head_len;
            size_t take = (size_t)r < room ? (size_t)r : room;
            memcpy(head + head_len, buf, take);
            head_len += take;
            char *end = strstr(head, "\r\n\r\n");
            char *cl = strstr(head, "Content-Length: ");
            if (end && cl) {
                hlen = end + 4 - head;
                want = atoll(cl + 16);
            }
        }
        got = hlen < 0 ? 0 : total - hlen;
    }
    esp_tls_conn_destroy(tls);
    printf("body=%lld\n", got);
    return got != want;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: http_mem http|tls HOST PORT PATH CA_PEM_FILE\n");
        return 2;
    }
    char *ca = slurp(argv[5]);
    if (!ca) {
        return 2;
    }
    int rc = strcmp(argv[1], "http") == 0 ? run_http(argv[2], atoi(argv[3]), argv[4], ca)
                                          : run_tls(argv[2], atoi(argv[3]), argv[4], ca);
    free(ca);
    return rc;
}
