// SPDX-License-Identifier: Apache-2.0
/*
 * read_tickets PORT CA: blocking reads against a TLS 1.3 server that sends NewSessionTicket
 * messages right after the handshake (openssl s_server -tls1_3 -www sends two).
 *
 * ESP-IDF takes post-handshake messages in inside esp_tls_conn_read(): on a blocking
 * connection the first read after a request returns data, never ESP_TLS_ERR_SSL_WANT_READ.
 * Checked 20 times: write a GET, one esp_tls_conn_read() of 16 bytes returns 16. Then
 * esp_tls_conn_read(tls, NULL, 0) returns 0 and esp_tls_get_bytes_avail() counts the reply,
 * and the ticket taken in on the way is a session to resume with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_tls.h"
#include "esp_tls_ext.h"

#define ROUNDS 20
static const char s_get[] = "GET / HTTP/1.0\r\n\r\n";
static char s_ca[16384];
static int s_port;

static int load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return -1;
    }
    size_t n = fread(s_ca, 1, sizeof(s_ca) - 1, f);
    fclose(f);
    s_ca[n] = '\0';
    return n > 0 ? 0 : -1;
}

/* A blocking TLS 1.3 connection with the GET already written, or NULL. */
static esp_tls_t *connect_and_ask(void)
{
    esp_tls_cfg_t cfg = {
        .cacert_buf = (const unsigned char *)s_ca,
        .cacert_bytes = (unsigned)strlen(s_ca) + 1,
        .timeout_ms = 5000,
        .tls_version = ESP_TLS_VER_TLS_1_3,
    };
    esp_tls_t *tls = esp_tls_init();
    if (tls == NULL || esp_tls_conn_new_sync("127.0.0.1", 9, s_port, &cfg, tls) != 1 ||
        esp_tls_conn_write(tls, s_get, sizeof(s_get) - 1) != (ssize_t)(sizeof(s_get) - 1)) {
        fprintf(stderr, "FAIL: could not connect and write the request\n");
        esp_tls_conn_destroy(tls);
        return NULL;
    }
    return tls;
}

static int first_read_returns_data(void)
{
    int bad = 0;
    for (int i = 0; i < ROUNDS; i++) {
        esp_tls_t *tls = connect_and_ask();
        char buf[16];
        ssize_t n = tls ? esp_tls_conn_read(tls, buf, sizeof(buf)) : -1;
        if (n != (ssize_t)sizeof(buf) || memcmp(buf, "HTTP/1.0 200", 12) != 0) {
            fprintf(stderr, "FAIL: round %d: first read returned %zd (-0x%04x), want 16\n", i, n,
                    n < 0 ? (unsigned)-n : 0u);
            bad++;
        }
        esp_tls_conn_destroy(tls);
    }
    printf("%s first_read_returns_data: %d of %d rounds\n", bad ? "FAIL" : "PASS", ROUNDS - bad,
           ROUNDS);
    return bad;
}

static int zero_length_read_then_avail(void)
{
    esp_tls_t *tls = connect_and_ask();
    if (tls == NULL) {
        return 1;
    }
    ssize_t zero = esp_tls_conn_read(tls, NULL, 0);
    ssize_t avail = esp_tls_get_bytes_avail(tls);
    char buf[64] = {0};
    ssize_t n = avail > 0 ? esp_tls_conn_read(tls, buf, sizeof(buf) - 1) : -1;
    esp_tls_client_session_t *s = esp_tls_get_client_session(tls);
    int bad =
        zero != 0 || avail <= 0 || n <= 0 || strncmp(buf, "HTTP/1.0 200", 12) != 0 || s == NULL;
    printf("%s zero_length_read: read(NULL, 0) = %zd, bytes_avail = %zd, read = %zd, "
           "session %s\n",
           bad ? "FAIL" : "PASS", zero, avail, n, s ? "saved" : "missing");
    esp_tls_free_client_session(s);
    esp_tls_conn_destroy(tls);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (s_port = atoi(argv[1])) <= 0 || load(argv[2]) != 0) {
        fprintf(stderr, "usage: read_tickets PORT CA_PEM\n");
        return 2;
    }
    int bad = first_read_returns_data();
    bad += zero_length_read_then_avail();
    return bad ? 1 : 0;
}
