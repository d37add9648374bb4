// SPDX-License-Identifier: Apache-2.0
/*
 * async_many: N TLS connections from one thread, each opened with esp_tls_conn_new_async()
 * (non_block), all driven by one poll() loop on esp_tls_get_poll_target(). Prints completed
 * connections per second and the latency of single library calls (p50, p99, max): the loop
 * is only as responsive as its slowest call, and handshakes per CPU-second of this process
 * (user + system time, getrusage: the client's own share of the cores).
 *
 *   async_many --host H --port P --ca FILE [-n 1000] [-c 64] [--tls12|--tls13] [--hold]
 *
 * -c: handshakes in progress at a time. --hold (the fleet bench, bench/fleet.sh): every
 * established connection stays open and idle until all N are up; then it prints the bytes per
 * idle connection and closes them all. heap_per_conn: heap in use by malloc (glibc's
 * mallinfo2(): uordblks + hblkhd, chunk headers included, the whole process) once all N are up
 * minus once the first one was up (made alone, nothing else in flight), divided by N - 1
 * (one-time set-up such as PSA's key store is left out); lib_per_conn: the same difference of the
 * library's own counter (esp_tls_get_mem_stats() current_bytes: esp-tls and Mbed TLS allocations
 * only).
 */
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esp_log.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "meter.h"

typedef struct {
    const char *host;
    int port, total, concurrency;
    bool hold;
    esp_tls_cfg_t cfg;
} opts_t;

typedef struct {
    int64_t *call_us; /* duration of every esp_tls_conn_new_async() call */
    size_t calls, cap;
    int done, failed, started;
    esp_tls_t **held; /* --hold: the established connections */
    int nheld;
    size_t heap_first, lib_first, cap_first; /* once the first connection was up */
} stats_t;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static size_t lib_in_use(void)
{
    esp_tls_mem_stats_t st;
    esp_tls_get_mem_stats(&st);
    return st.current_bytes;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = calloc(1, (size_t)size + 1);
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)size + 1; /* PEM: the length includes the NUL */
    return buf;
}

static void parse(int argc, char **argv, opts_t *o, char **ca)
{
    static const struct option long_opts[] = {
        {"host", 1, 0, 'h'},  {"port", 1, 0, 'p'}, {"ca", 1, 0, 'a'}, {"tls12", 0, 0, '2'},
        {"tls13", 0, 0, '3'}, {"hold", 0, 0, 'H'}, {0, 0, 0, 0},
    };
    size_t ca_len = 0;
    int c;
    while ((c = getopt_long(argc, argv, "n:c:", long_opts, NULL)) != -1) {
        switch (c) {
        case 'h': o->host = optarg; break;
        case 'p': o->port = (int)strtol(optarg, NULL, 10); break;
        case 'a': *ca = read_file(optarg, &ca_len); break;
        case '2': o->cfg.tls_version = ESP_TLS_VER_TLS_1_2; break;
        case '3': o->cfg.tls_version = ESP_TLS_VER_TLS_1_3; break;
        case 'H': o->hold = true; break;
        case 'n': o->total = (int)strtol(optarg, NULL, 10); break;
        case 'c': o->concurrency = (int)strtol(optarg, NULL, 10); break;
        default: exit(2);
        }
    }
    if (!o->host || !o->port || !*ca || o->total < 1 || o->concurrency < 1) {
        fprintf(stderr, "usage: async_many --host H --port P --ca FILE [-n N] [-c C] "
                        "[--tls12|--tls13] [--hold]\n");
        exit(2);
    }
    o->cfg.cacert_buf = (const unsigned char *)*ca;
    o->cfg.cacert_bytes = (unsigned)ca_len;
    o->cfg.non_block = true;
    o->cfg.timeout_ms = 30000;
}

static void record(stats_t *s, int64_t us)
{
    if (s->calls == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->call_us = realloc(s->call_us, s->cap * sizeof(*s->call_us));
    }
    s->call_us[s->calls++] = us;
}

/* --hold: keeps the established connection; the first one sets the baseline. */
static void keep(stats_t *s, esp_tls_t *tls)
{
    s->held[s->nheld++] = tls;
    if (s->nheld == 1) {
        s->heap_first = meter_heap_in_use();
        s->lib_first = lib_in_use();
        s->cap_first = s->cap;
    }
}

/* One call for connection @p tls; returns its -1/0/1 and destroys (or keeps) it when finished. */
static int step(const opts_t *o, esp_tls_t **slot, stats_t *s)
{
    int64_t t0 = now_us();
    int rc = esp_tls_conn_new_async(o->host, (int)strlen(o->host), o->port, &o->cfg, *slot);
    record(s, now_us() - t0);
    if (rc == 1 && o->hold) {
        s->done++;
        keep(s, *slot);
        *slot = NULL;
    } else if (rc != 0) {
        s->done += rc == 1;
        s->failed += rc == -1;
        esp_tls_conn_destroy(*slot);
        *slot = NULL;
    }
    return rc;
}

/* --hold: the first connection is made alone, so the baseline has nothing in flight */
static bool may_start(const opts_t *o, const stats_t *s)
{
    bool first_pending = o->hold && s->started == 1 && s->done + s->failed == 0;
    return s->started < o->total && !first_pending;
}

static void refill(const opts_t *o, esp_tls_t **slots, stats_t *s)
{
    for (int i = 0; i < o->concurrency && may_start(o, s); i++) {
        if (slots[i] == NULL) {
            slots[i] = esp_tls_init();
            s->started++;
            step(o, &slots[i], s);
        }
    }
}

static void run(const opts_t *o, stats_t *s)
{
    esp_tls_t **slots = calloc((size_t)o->concurrency, sizeof(*slots));
    struct pollfd *pfd = calloc((size_t)o->concurrency, sizeof(*pfd));
    refill(o, slots, s);
    while (s->done + s->failed < o->total) {
        int n = 0;
        for (int i = 0; i < o->concurrency; i++) {
            pfd[i] = (struct pollfd){.fd = -1};
            if (slots[i]) {
                esp_tls_get_poll_target(slots[i], &pfd[i].fd, &pfd[i].events);
                n++;
            }
        }
        poll(pfd, (nfds_t)o->concurrency, n ? 100 : 0);
        for (int i = 0; i < o->concurrency; i++) {
            if (slots[i] && (pfd[i].revents || pfd[i].fd < 0)) {
                step(o, &slots[i], s);
            }
        }
        refill(o, slots, s);
    }
    free(slots);
    free(pfd);
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* --hold: bytes per idle connection (see the top of the file), then closes them all. */
static void report_held(stats_t *s)
{
    size_t heap = meter_heap_in_use(), lib = lib_in_use();
    size_t latency = (s->cap - s->cap_first) * sizeof(*s->call_us); /* this program's own */
    if (s->nheld > 1) {
        long long n = s->nheld - 1;
        printf("held=%d\nheap_per_conn=%lld\nlib_per_conn=%lld\n", s->nheld,
               ((long long)heap - (long long)s->heap_first - (long long)latency) / n,
               ((long long)lib - (long long)s->lib_first) / n);
    }
    for (int i = 0; i < s->nheld; i++) {
        esp_tls_conn_destroy(s->held[i]);
    }
    free(s->held);
}

int main(int argc, char **argv)
{
    opts_t o = {.total = 1000, .concurrency = 64};
    char *ca = NULL;
    parse(argc, argv, &o, &ca);
    esp_log_level_set("*", ESP_LOG_WARN);
    stats_t s = {0};
    if (o.hold) {
        s.held = calloc((size_t)o.total, sizeof(*s.held));
    }
    int64_t t0 = now_us();
    double c0 = meter_cpu_s();
    run(&o, &s);
    double cpu = meter_cpu_s() - c0;
    double secs = (double)(now_us() - t0) / 1e6;
    qsort(s.call_us, s.calls, sizeof(*s.call_us), cmp64);
    esp_tls_mem_stats_t mem;
    esp_tls_get_mem_stats(&mem);
    printf("connections=%d\nfailed=%d\nconcurrency=%d\nseconds=%.3f\nconn_per_s=%.1f\n", s.done,
           s.failed, o.concurrency, secs, s.done / secs);
    printf("calls=%zu\ncall_p50_us=%lld\ncall_p99_us=%lld\ncall_max_us=%lld\n", s.calls,
           (long long)s.call_us[s.calls / 2], (long long)s.call_us[s.calls * 99 / 100],
           (long long)s.call_us[s.calls - 1]);
    printf("heap_peak=%zu\ncpu_s=%.3f\nhs_per_cpu_s=%.1f\n", mem.peak_bytes, cpu,
           cpu > 0 ? s.done / cpu : 0.0);
    if (o.hold) {
        report_held(&s);
    }
    fflush(stdout);
    free(s.call_us);
    free(ca);
    return s.failed ? 1 : 0;
}
