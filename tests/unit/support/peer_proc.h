// SPDX-License-Identifier: Apache-2.0
/*
 * A real peer in a child process (openssl s_server, tests/interop/peer.py, ...), listening on a
 * port the kernel chose: the peer is started on port 0 and prints the port it got ("ACCEPT
 * 127.0.0.1:PORT", "ACCEPT [::1]:PORT", "peer: listening on PORT"), so no port is guessed and
 * none can be taken meanwhile. Its stdout stays open until unit_peer_stop(); stdin and stderr
 * go to /dev/null.
 */
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    pid_t pid;
    int port;
    int out; /* the peer's stdout (read end), -1 when none */
} unit_peer_t;

static inline int64_t unit_peer_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The number at the end of the first line of @p fd that contains @p marker; -1 if the peer
 * exits or says nothing of the kind within 10 s. */
static inline int unit_peer_read_port(int fd, const char *marker)
{
    char line[512];
    size_t n = 0;
    int64_t deadline = unit_peer_now_ms() + 10000;
    while (unit_peer_now_ms() < deadline) {
        char c;
        if (read(fd, &c, 1) != 1) {
            return -1;
        }
        if (c != '\n') {
            if (n < sizeof(line) - 1) {
                line[n++] = c;
            }
            continue;
        }
        line[n] = '\0';
        n = 0;
        if (strstr(line, marker) == NULL) {
            continue;
        }
        char *end = line + strlen(line);
        while (end > line && (end[-1] == '\r' || end[-1] == ' ')) {
            *--end = '\0';
        }
        char *digits = end;
        while (digits > line && digits[-1] >= '0' && digits[-1] <= '9') {
            digits--;
        }
        return digits < end ? (int)strtol(digits, NULL, 10) : -1;
    }
    return -1;
}

/*
 * Start @p argv (argv[0] is looked up in PATH) and wait for the line with @p marker.
 * @return 0 with p->pid and p->port set, or -1 (the child is reaped)
 */
static inline int unit_peer_start(unit_peer_t *p, char *const argv[], const char *marker)
{
    int out[2];
    p->pid = -1;
    p->port = -1;
    p->out = -1;
    if (pipe(out) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(out[0]);
        close(out[1]);
        return -1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        dup2(out[1], 1);
        dup2(devnull, 0);
        dup2(devnull, 2);
        close(out[0]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(out[1]);
    p->pid = pid;
    p->out = out[0];
    p->port = unit_peer_read_port(out[0], marker);
    if (p->port <= 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        close(out[0]);
        p->pid = -1;
        p->out = -1;
        return -1;
    }
    return 0;
}

static inline void unit_peer_stop(unit_peer_t *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        waitpid(p->pid, NULL, 0);
    }
    if (p->out >= 0) {
        close(p->out);
    }
    p->pid = -1;
    p->out = -1;
}
