// SPDX-License-Identifier: Apache-2.0
/*
 * mem_server_many: heap of N idle TLS server sessions in one process.
 *
 *   mem_server_many PORT CERT KEY N
 *
 * Accepts N connections on 127.0.0.1:PORT one after the other, completes each handshake with
 * esp_tls_server_session_create() and keeps the session open. Then prints per_session= (heap
 * in use above the start, from esp_tls_get_mem_stats(), divided by N) and frees everything.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "psa/crypto.h"

static char *slurp(const char *path, unsigned *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 16);
    size_t n = f && buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    if (f) {
        fclose(f);
    }
    if (n == 0) {
        exit(2);
    }
    buf[n] = '\0';
    *len = (unsigned)n + 1;
    return buf;
}

static int listen_on(int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 1024) != 0) {
        perror("listen");
        exit(2);
    }
    return s;
}

static size_t in_use(void)
{
    esp_tls_mem_stats_t st;
    esp_tls_get_mem_stats(&st);
    return st.current_bytes;
}

int main(int argc, char **argv)
{
    if (argc != 5 || esp_tls_global_init() != ESP_OK) {
        fprintf(stderr, "usage: mem_server_many PORT CERT KEY N\n");
        return 2;
    }
    esp_tls_cfg_server_t cfg = {0};
    cfg.servercert_buf = (const unsigned char *)slurp(argv[2], &cfg.servercert_bytes);
    cfg.serverkey_buf = (const unsigned char *)slurp(argv[3], &cfg.serverkey_bytes);
    int n = atoi(argv[4]);
    esp_tls_t **tls = calloc((size_t)n, sizeof(*tls));
    int *fds = calloc((size_t)n, sizeof(*fds));
    int srv = listen_on(atoi(argv[1]));
    printf("listening\n");
    fflush(stdout);
    size_t base = in_use();
    int ok = 0;
    for (int i = 0; i < n; i++) {
        fds[i] = accept(srv, NULL, NULL);
        tls[i] = esp_tls_init();
        if (fds[i] < 0 || tls[i] == NULL ||
            esp_tls_server_session_create(&cfg, fds[i], tls[i]) != 0) {
            break;
        }
        ok++;
    }
    size_t held = in_use() - base;
    printf("sessions=%d\nper_session=%zu\n", ok, ok ? held / (size_t)ok : 0);
    for (int i = 0; i < n; i++) {
        esp_tls_server_session_delete(tls[i]);
        if (fds[i] > 0) {
            close(fds[i]);
        }
    }
    return ok == n ? 0 : 1;
}
