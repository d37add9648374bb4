// SPDX-License-Identifier: Apache-2.0
/*
 * mem_server_many: heap of N idle TLS server sessions in one process.
 *
 *   mem_server_many PORT CERT KEY N [tls12|tls13]
 *
 * Accepts N connections on 127.0.0.1:PORT one after the other, completes each handshake with
 * esp_tls_server_session_create() and keeps the session open. Then prints per_session= (heap
 * in use above the start, from esp_tls_get_mem_stats(), divided by N) and frees everything.
 * For the fleet bench (bench/fleet.sh) also: heap_per_session (heap in use by malloc, glibc's
 * mallinfo2() uordblks + hblkhd: the whole process, chunk headers included) and lib_per_session
 * (the library's counter), both as the difference between all N sessions up and the first one
 * up, divided by N - 1; cpu_s (user + system time of the accept and handshake loop, getrusage),
 * hs_per_cpu_s and seconds (wall time of that loop).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "meter.h"
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

static void report(int ok, size_t base, size_t heap_first, size_t lib_first, double cpu,
                   double secs)
{
    size_t held = in_use() - base;
    printf("sessions=%d\nper_session=%zu\n", ok, ok ? held / (size_t)ok : 0);
    if (ok > 1) {
        long long n = ok - 1;
        printf("heap_per_session=%lld\nlib_per_session=%lld\n",
               ((long long)meter_heap_in_use() - (long long)heap_first) / n,
               ((long long)in_use() - (long long)lib_first) / n);
    }
    printf("seconds=%.3f\ncpu_s=%.3f\nhs_per_cpu_s=%.1f\n", secs, cpu, cpu > 0 ? ok / cpu : 0.0);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 6 || esp_tls_global_init() != ESP_OK) {
        fprintf(stderr, "usage: mem_server_many PORT CERT KEY N [tls12|tls13]\n");
        return 2;
    }
    esp_tls_cfg_server_t cfg = {0};
    cfg.servercert_buf = (const unsigned char *)slurp(argv[2], &cfg.servercert_bytes);
    cfg.serverkey_buf = (const unsigned char *)slurp(argv[3], &cfg.serverkey_bytes);
    if (argc == 6) {
        cfg.tls_version = strcmp(argv[5], "tls12") == 0 ? ESP_TLS_VER_TLS_1_2 : ESP_TLS_VER_TLS_1_3;
    }
    int n = atoi(argv[4]);
    esp_tls_t **tls = calloc((size_t)n, sizeof(*tls));
    int *fds = calloc((size_t)n, sizeof(*fds));
    int srv = listen_on(atoi(argv[1]));
    printf("listening\n");
    fflush(stdout);
    size_t base = in_use(), heap_first = 0, lib_first = 0;
    double c0 = meter_cpu_s(), t0 = meter_now_s();
    int ok = 0;
    for (int i = 0; i < n; i++) {
        fds[i] = accept(srv, NULL, NULL);
        tls[i] = esp_tls_init();
        if (fds[i] < 0 || tls[i] == NULL ||
            esp_tls_server_session_create(&cfg, fds[i], tls[i]) != 0) {
            break;
        }
        if (++ok == 1) {
            heap_first = meter_heap_in_use();
            lib_first = in_use();
        }
    }
    report(ok, base, heap_first, lib_first, meter_cpu_s() - c0, meter_now_s() - t0);
    for (int i = 0; i < n; i++) {
        esp_tls_server_session_delete(tls[i]);
        if (fds[i] > 0) {
            close(fds[i]);
        }
    }
    close(srv);
    free(tls);
    free(fds);
    free((void *)cfg.servercert_buf);
    free((void *)cfg.serverkey_buf);
    return ok == n ? 0 : 1;
}
