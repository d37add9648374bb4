// SPDX-License-Identifier: Apache-2.0
/*
 * What the two bulk clients of bench/bulk.sh share (bench/bulk_client.c on esp-tls,
 * bench/bulk_peer.c on libssl): their options, the clocks and the printed result, so that
 * both measure exactly the same way.
 */
#ifndef BENCH_BULK_COMMON_H
#define BENCH_BULK_COMMON_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define BULK_CHUNK 16384

typedef struct {
    const char *host; /* an IPv4 literal; the certificate is checked as "localhost" */
    const char *ca;
    int port;
    int send; /* 1: --send, 0: --recv */
    size_t bytes;
} bulk_opts_t;

/* --port P --ca FILE (--recv|--send) [--mib N] [--host H]; false on a bad command line */
static inline bool bulk_parse(int argc, char **argv, bulk_opts_t *o)
{
    double mib = 64;
    *o = (bulk_opts_t){.host = "127.0.0.1", .send = -1};
    for (int i = 0; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(argv[i], "--recv") || !strcmp(argv[i], "--send")) {
            o->send = argv[i][2] == 's';
            continue;
        }
        if (!strcmp(argv[i], "--port")) {
            o->port = atoi(v);
        } else if (!strcmp(argv[i], "--ca")) {
            o->ca = v;
        } else if (!strcmp(argv[i], "--mib")) {
            mib = atof(v);
        } else if (!strcmp(argv[i], "--host")) {
            o->host = v;
        } else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return false;
        }
        i++;
    }
    o->bytes = (size_t)(mib * 1048576.0);
    return o->port > 0 && o->ca != NULL && o->send >= 0 && mib > 0;
}

/* the request line the bench server reads: "R bytes\n" (send them) or "S bytes\n" */
static inline int bulk_request(char *req, size_t cap, const bulk_opts_t *o)
{
    return snprintf(req, cap, "%c %zu\n", o->send ? 'S' : 'R', o->bytes);
}

/* wall clock [0] and user + system CPU of the process [1], seconds */
static inline void bulk_clocks(double t[2])
{
    struct timespec ts;
    struct rusage ru;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    getrusage(RUSAGE_SELF, &ru);
    t[0] = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    t[1] = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static inline void bulk_report(const char *suite, size_t bytes, const double t0[2],
                               const double t1[2])
{
    double m = (double)bytes / 1048576.0;
    printf("suite=%s\nmib_s=%.1f\ncpu_ms_per_mib=%.3f\n", suite ? suite : "-", m / (t1[0] - t0[0]),
           (t1[1] - t0[1]) * 1000.0 / m);
}

#endif
