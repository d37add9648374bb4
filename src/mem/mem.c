// SPDX-License-Identifier: Apache-2.0
/*
 * Counting allocator. Each block carries a 16-byte header with its size and the counter it is
 * charged to, so that free() can subtract it (and wipe the block); 16 keeps the caller's memory
 * aligned like malloc's.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esp_tls_ext.h"
#include "mbedtls/platform.h"
#include "mem.h"

#define MEM_HDR 16

static atomic_size_t s_current;
static atomic_size_t s_peak;
static atomic_size_t s_allocs;
static atomic_size_t s_fail_at; /* esp_tls_mem_fail_at(): allocations left before a failure */
static atomic_size_t s_global;  /* process-wide state (esp_tls_mem_global_begin()) */

/* header: the block's size, then the counter it is charged to */
typedef struct {
    size_t bytes;
    size_t global; /* 1: s_global, 0: s_current */
} mem_hdr_t;
_Static_assert(sizeof(mem_hdr_t) <= MEM_HDR, "the header fits in front of the block");

/* esp_tls_mem_global_begin(): per thread, so that only the thread setting up the state is
 * charged apart (others wait for it in pthread_once) */
static _Thread_local unsigned s_global_depth;

/* A process-wide block freed outside a global section, by this thread: the size of the block
 * if the thread's next allocation may be its replacement (see esp_tls_mem_free()). */
static _Thread_local size_t s_replacing;

/* esp_tls_mem_substitute_once(): per thread, so concurrent setups do not interfere */
static _Thread_local size_t s_sub_from;
static _Thread_local size_t s_sub_to;
static _Thread_local bool s_sub_done;

void esp_tls_mem_fail_at(size_t nth)
{
    atomic_store(&s_fail_at, nth);
}

void esp_tls_mem_substitute_once(size_t from, size_t to)
{
    s_sub_from = from;
    s_sub_to = to;
    s_sub_done = false;
}

bool esp_tls_mem_substitute_end(void)
{
    s_sub_from = 0;
    return s_sub_done;
}

void esp_tls_mem_global_begin(void)
{
    s_global_depth++;
}

void esp_tls_mem_global_end(void)
{
    if (s_global_depth > 0) {
        s_global_depth--;
    }
}

size_t esp_tls_get_global_mem_bytes(void)
{
    return atomic_load(&s_global);
}

static void raise_peak(size_t now)
{
    size_t peak = atomic_load(&s_peak);
    while (now > peak && !atomic_compare_exchange_weak(&s_peak, &peak, now)) {
    }
}

void *esp_tls_mem_calloc(size_t n, size_t size)
{
    if (n != 0 && size > (SIZE_MAX - MEM_HDR) / n) {
        return NULL;
    }
    if (atomic_load_explicit(&s_fail_at, memory_order_relaxed) != 0 &&
        atomic_fetch_sub(&s_fail_at, 1) == 1) {
        return NULL;
    }
    size_t bytes = n * size;
    if (s_sub_from != 0 && bytes == s_sub_from) {
        bytes = s_sub_to;
        s_sub_from = 0;
        s_sub_done = true;
    }
    unsigned char *block = calloc(1, bytes + MEM_HDR);
    if (block == NULL) {
        return NULL;
    }
    mem_hdr_t *hdr = (mem_hdr_t *)block;
    hdr->bytes = bytes;
    hdr->global = s_global_depth > 0 || (s_replacing != 0 && s_replacing == bytes);
    s_replacing = 0;
    atomic_fetch_add(&s_allocs, 1);
    if (hdr->global) {
        atomic_fetch_add(&s_global, bytes);
    } else {
        raise_peak(atomic_fetch_add(&s_current, bytes) + bytes);
    }
    return block + MEM_HDR;
}

void esp_tls_mem_free(void *ptr)
{
    if (ptr == NULL) {
        return;
    }
    unsigned char *block = (unsigned char *)ptr - MEM_HDR;
    const mem_hdr_t *hdr = (const mem_hdr_t *)block;
    size_t bytes = hdr->bytes;
    atomic_fetch_sub(hdr->global ? &s_global : &s_current, bytes);
    /* Process-wide state renews itself now and then inside a connection: PSA's random
     * generator reseeds every 10,000 requests, freeing its entropy accumulator and allocating
     * the same block again at once. That block stays process-wide, not the connection's. */
    s_replacing = hdr->global && s_global_depth == 0 ? bytes : 0;
    /* Keys, passwords, tickets and record plaintext all live in blocks of this allocator:
     * none of it outlives its block. */
    explicit_bzero(block, bytes + MEM_HDR);
    free(block);
}

#if defined(MBEDTLS_PLATFORM_MEMORY)
static pthread_once_t s_install_once = PTHREAD_ONCE_INIT;

static void install(void)
{
    mbedtls_platform_set_calloc_free(esp_tls_mem_calloc, esp_tls_mem_free);
}
#endif

void esp_tls_mem_install(void)
{
#if defined(MBEDTLS_PLATFORM_MEMORY)
    pthread_once(&s_install_once, install);
#endif
}

void esp_tls_get_mem_stats(esp_tls_mem_stats_t *stats)
{
    if (stats == NULL) {
        return;
    }
    stats->current_bytes = atomic_load(&s_current);
    stats->peak_bytes = atomic_load(&s_peak);
    stats->allocations = atomic_load(&s_allocs);
}

void esp_tls_reset_mem_peak(void)
{
    atomic_store(&s_peak, atomic_load(&s_current));
}
