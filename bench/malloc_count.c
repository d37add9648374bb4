// SPDX-License-Identifier: Apache-2.0
/*
 * LD_PRELOAD heap counter for bench/mem.sh: bytes requested through malloc and friends,
 * in use and at the peak, for programs the library's own counter cannot see (stock Mbed TLS'
 * ssl_client2). At exit it prints "malloc_peak=N" to stderr (or appends it to the file named
 * by MALLOC_COUNT_OUT). Sizes are malloc_usable_size(), i.e. what glibc gave.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t align, size_t size);

static atomic_size_t s_cur;
static atomic_size_t s_peak;

static void *count(void *p)
{
    if (p != NULL) {
        size_t now = atomic_fetch_add(&s_cur, malloc_usable_size(p)) + malloc_usable_size(p);
        size_t peak = atomic_load(&s_peak);
        while (now > peak && !atomic_compare_exchange_weak(&s_peak, &peak, now)) {
        }
    }
    return p;
}

static void uncount(void *p)
{
    if (p != NULL) {
        atomic_fetch_sub(&s_cur, malloc_usable_size(p));
    }
}

void *malloc(size_t size)
{
    return count(__libc_malloc(size));
}

void *calloc(size_t n, size_t size)
{
    return count(__libc_calloc(n, size));
}

void *realloc(void *ptr, size_t size)
{
    uncount(ptr);
    void *p = __libc_realloc(ptr, size);
    if (p == NULL && size != 0) {
        count(ptr); /* the old block is still there */
        return NULL;
    }
    return count(p);
}

void free(void *ptr)
{
    uncount(ptr);
    __libc_free(ptr);
}

void *memalign(size_t align, size_t size)
{
    return count(__libc_memalign(align, size));
}

void *aligned_alloc(size_t align, size_t size)
{
    return count(__libc_memalign(align, size));
}

int posix_memalign(void **out, size_t align, size_t size)
{
    void *p = count(__libc_memalign(align, size));
    if (p == NULL) {
        return 12; /* ENOMEM */
    }
    *out = p;
    return 0;
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("MALLOC_COUNT_OUT");
    FILE *f = path ? fopen(path, "a") : NULL;
    fprintf(f ? f : stderr, "malloc_peak=%zu\n", atomic_load(&s_peak));
    if (f) {
        fclose(f);
    }
}
