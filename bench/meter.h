// SPDX-License-Identifier: Apache-2.0
/*
 * meter.h: what the fleet bench programs (examples/async_many, bench/mem_server_many,
 * bench/ossl_many) read of their own process, the same way in each: wall time, CPU time
 * (user + system, getrusage) and the heap in use by malloc (glibc's mallinfo2(): uordblks, the
 * bytes in chunks handed out with their headers, plus hblkhd, the mmap()ed ones; every arena,
 * i.e. the whole process). Under Valgrind or ASan malloc is replaced and the heap reads 0.
 */
#ifndef BENCH_METER_H
#define BENCH_METER_H

#include <malloc.h>
#include <stddef.h>
#include <sys/resource.h>
#include <time.h>

static inline double meter_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double meter_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static inline size_t meter_heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

#endif
