// SPDX-License-Identifier: Apache-2.0
/*
 * Counting allocator. Each block carries a 16-byte header with its size and the counter it is
 * charged to, so that free() can subtract it; 16 keeps the caller's memory aligned like malloc's.
 *
 * Two frees: Mbed TLS gets mem_free_mbedtls(), which does not wipe, because Mbed TLS 3.6 wipes
 * what it keeps secrets in itself (mbedtls_zeroize_and_free(), mbedtls_platform_zeroize()
 * before mbedtls_free()); esp-tls's own code frees with esp_tls_mem_free(), which wipes.
 *
 * Counting can be switched off (CONFIG_ESP_TLS_MEM_STATS=n, or esp_tls_mem_set_counting()
 * before the first allocation): then Mbed TLS keeps its default calloc/free, blocks have no
 * header, esp_tls_mem_free() wipes malloc_usable_size() bytes, and the counters stay zero.
 * The mode is decided once, at the first allocation or installation, and never changes, so
 * every block is freed the way it was allocated.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esp_tls_ext.h"
#include "mbedtls/platform.h"
#include "mem.h"
#include "sdkconfig.h"

#define MEM_HDR 16

static atomic_size_t s_current;
static atomic_size_t s_peak;
static atomic_size_t s_allocs;
static atomic_size_t s_fail_at; /* esp_tls_mem_fail_at(): allocations left before a failure */
static atomic_size_t s_global;  /* process-wide state (esp_tls_mem_global_begin()) */

enum { MODE_UNDECIDED, MODE_COUNT, MODE_PLAIN };
#if defined(CONFIG_ESP_TLS_MEM_STATS) && defined(MBEDTLS_PLATFORM_MEMORY)
#define MODE_DEFAULT MODE_COUNT
#else
#define MODE_DEFAULT MODE_PLAIN
#endif
static atomic_int s_mode; /* MODE_UNDECIDED until the first allocation or installation */

/* The mode, decided now (as MODE_DEFAULT) if it was not yet */
static int mode(void)
{
    int m = atomic_load_explicit(&s_mode, memory_order_relaxed);
    if (m != MODE_UNDECIDED) {
        return m;
    }
    int want = MODE_UNDECIDED;
    atomic_compare_exchange_strong(&s_mode, &want, MODE_DEFAULT);
    return atomic_load(&s_mode);
}

esp_err_t esp_tls_mem_set_counting(bool enable)
{
    int want = MODE_UNDECIDED;
    int to = enable ? MODE_COUNT : MODE_PLAIN;
    if (atomic_compare_exchange_strong(&s_mode, &want, to) || want == to) {
        return ESP_OK;
    }
    return ESP_ERR_INVALID_STATE;
}

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

/* Out of line: only when the count passes the peak seen so far */
static __attribute__((noinline)) void raise_peak(size_t now)
{
    size_t peak = atomic_load_explicit(&s_peak, memory_order_relaxed);
    while (now > peak && !atomic_compare_exchange_weak_explicit(
                             &s_peak, &peak, now, memory_order_relaxed, memory_order_relaxed)) {
    }
}

/* A counted block of @p bytes (above the header) charged to the process-wide state */
static void *counted_global(size_t bytes)
{
    unsigned char *block = calloc(1, bytes + MEM_HDR);
    if (block == NULL) {
        return NULL;
    }
    mem_hdr_t *hdr = (mem_hdr_t *)block;
    hdr->bytes = bytes;
    hdr->global = 1;
    atomic_fetch_add_explicit(&s_allocs, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s_global, bytes, memory_order_relaxed);
    return block + MEM_HDR;
}

/* A counted block of @p bytes (above the header), charged to the connections' counter */
static inline void *counted(size_t bytes)
{
    unsigned char *block = calloc(1, bytes + MEM_HDR);
    if (block == NULL) {
        return NULL;
    }
    ((mem_hdr_t *)block)->bytes = bytes; /* ->global: 0 from calloc */
    atomic_fetch_add_explicit(&s_allocs, 1, memory_order_relaxed);
    size_t now = atomic_fetch_add_explicit(&s_current, bytes, memory_order_relaxed) + bytes;
    if (now > atomic_load_explicit(&s_peak, memory_order_relaxed)) {
        raise_peak(now);
    }
    return block + MEM_HDR;
}

/* Everything but the common case: an injected failure or substitution, a process-wide block,
 * the mode not yet decided, or counting off */
static __attribute__((noinline)) void *calloc_slow(size_t bytes)
{
    if (atomic_load_explicit(&s_fail_at, memory_order_relaxed) != 0 &&
        atomic_fetch_sub(&s_fail_at, 1) == 1) {
        return NULL;
    }
    if (s_sub_from != 0 && bytes == s_sub_from) {
        bytes = s_sub_to;
        s_sub_from = 0;
        s_sub_done = true;
    }
    if (mode() == MODE_PLAIN) {
        return calloc(1, bytes);
    }
    bool global = s_global_depth > 0 || (s_replacing != 0 && s_replacing == bytes);
    s_replacing = 0;
    return global ? counted_global(bytes) : counted(bytes);
}

void *esp_tls_mem_calloc(size_t n, size_t size)
{
    size_t bytes;
    if (__builtin_mul_overflow(n, size, &bytes) || bytes > SIZE_MAX - MEM_HDR) {
        return NULL;
    }
    /* one test for all the rare cases: each is nonzero when it applies */
    if (__builtin_expect((atomic_load_explicit(&s_fail_at, memory_order_relaxed) | s_sub_from |
                          s_global_depth | s_replacing) != 0 ||
                             atomic_load_explicit(&s_mode, memory_order_relaxed) != MODE_COUNT,
                         0)) {
        return calloc_slow(bytes);
    }
    return counted(bytes);
}

/* uncount() for a process-wide block, or the first free after one */
static __attribute__((noinline)) size_t uncount_slow(const mem_hdr_t *hdr)
{
    size_t bytes = hdr->bytes;
    atomic_fetch_sub_explicit(hdr->global ? &s_global : &s_current, bytes, memory_order_relaxed);
    /* Process-wide state renews itself now and then inside a connection: PSA's random
     * generator reseeds every 10,000 requests, freeing its entropy accumulator and allocating
     * the same block again at once. That block stays process-wide, not the connection's. */
    s_replacing = hdr->global && s_global_depth == 0 ? bytes : 0;
    return bytes + MEM_HDR;
}

/* Takes a counted block off its counter; returns the block's size (header included) */
static inline size_t uncount(const unsigned char *block)
{
    const mem_hdr_t *hdr = (const mem_hdr_t *)block;
    if (__builtin_expect((hdr->global | s_replacing) != 0, 0)) {
        return uncount_slow(hdr);
    }
    atomic_fetch_sub_explicit(&s_current, hdr->bytes, memory_order_relaxed);
    return hdr->bytes + MEM_HDR;
}

void esp_tls_mem_free(void *ptr)
{
    if (ptr == NULL) {
        return;
    }
    /* Keys, passwords, tickets and record plaintext that esp-tls itself holds: none of it
     * outlives its block. */
    if (atomic_load_explicit(&s_mode, memory_order_relaxed) != MODE_COUNT) {
        explicit_bzero(ptr, malloc_usable_size(ptr));
        free(ptr);
        return;
    }
    unsigned char *block = (unsigned char *)ptr - MEM_HDR;
    explicit_bzero(block, uncount(block));
    free(block);
}

#if defined(MBEDTLS_PLATFORM_MEMORY)
static pthread_once_t s_install_once = PTHREAD_ONCE_INIT;

/* Mbed TLS's free: counted blocks only (installed in MODE_COUNT); no wipe, see the top */
static void mem_free_mbedtls(void *ptr)
{
    if (ptr != NULL) {
        unsigned char *block = (unsigned char *)ptr - MEM_HDR;
        uncount(block);
        free(block);
    }
}

static void install(void)
{
    if (mode() == MODE_COUNT) {
        mbedtls_platform_set_calloc_free(esp_tls_mem_calloc, mem_free_mbedtls);
    }
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
