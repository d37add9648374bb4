// SPDX-License-Identifier: Apache-2.0
/*
 * Helpers shared by the unit tests: cmocka includes, loopback sockets, a monotonic clock.
 * Nothing here touches the network beyond 127.0.0.1.
 */
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "esp_log.h"

#define UNIT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A TCP socket bound to 127.0.0.1 on a port chosen by the kernel; its port in *port. */
static inline int unit_bound_socket(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(sa);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

/*
 * A listener on 127.0.0.1: the kernel completes TCP handshakes into the backlog, so a
 * client connects even though nobody calls accept(), and it never receives a byte.
 */
static inline int unit_listener(int *port)
{
    int fd = unit_bound_socket(port);
    if (fd >= 0 && listen(fd, 128) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* A 127.0.0.1 port that had a socket a moment ago and now has none (connect is refused). */
static inline int unit_closed_port(void)
{
    int port = 0;
    int fd = unit_bound_socket(&port);
    if (fd < 0) {
        return -1;
    }
    close(fd);
    return port;
}

static inline int64_t unit_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Log capture: everything logged goes to a buffer (and nowhere else) until released. */
static char s_unit_log[16384];
static size_t s_unit_log_len;

static inline int unit_log_sink(const char *fmt, va_list ap)
{
    size_t room = sizeof(s_unit_log) - s_unit_log_len;
    int n = vsnprintf(s_unit_log + s_unit_log_len, room, fmt, ap);
    if (n > 0) {
        s_unit_log_len += (size_t)n < room ? (size_t)n : room - 1;
    }
    return n;
}

/** Start capturing (the buffer emptied); @return the previous sink, for unit_log_release(). */
static inline vprintf_like_t unit_log_capture(void)
{
    s_unit_log_len = 0;
    s_unit_log[0] = '\0';
    return esp_log_set_vprintf(unit_log_sink);
}

static inline const char *unit_log_text(void)
{
    return s_unit_log;
}
