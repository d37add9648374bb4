// SPDX-License-Identifier: Apache-2.0
/*
 * esp-tls demo: the scenario of `make demo`, run with this tool's own subcommands so that every
 * step is a command a user can copy. A mutual-TLS 1.3 session on loopback, then a failure (a
 * certificate for "localhost" reached as 127.0.0.1), its explanation, and the suggested fix.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static const char s_help[] =
    "usage: esp-tls demo [--certs DIR]\n"
    "Run a loopback demo with the test PKI of tests/certs/gen.sh in DIR (default\n"
    "build/demo-certs; `make demo` generates it): an esp-tls server (TLS 1.3, client\n"
    "certificate required) and an esp-tls client; then a name mismatch, its explanation and\n"
    "the fix.\n"
    "Exit: 0 every step went as expected, 1 otherwise, 2 usage (e.g. no certificates).\n";

typedef struct {
    pid_t pid;
    int out; /* the server's stdout and stderr */
    char port[8];
} demo_server_t;

/* The test PKI's files (tests/certs/gen.sh names), under --certs DIR */
typedef struct {
    char dir[PATH_MAX];
    char ca_ec[PATH_MAX], server_ec[PATH_MAX], server_ec_key[PATH_MAX];
    char client_ec[PATH_MAX], client_ec_key[PATH_MAX];
    char ca_rsa[PATH_MAX], noip_rsa[PATH_MAX], noip_rsa_key[PATH_MAX];
} demo_paths_t;

static char s_self[PATH_MAX];
static demo_paths_t s_pki;

/* Fill s_pki from DIR; false if a file is missing. */
static bool find_pki(const char *dir)
{
    struct {
        char *path;
        const char *name;
    } files[] = {
        {s_pki.ca_ec, "ca-ec.crt"},
        {s_pki.server_ec, "server-ec.crt"},
        {s_pki.server_ec_key, "server-ec.key"},
        {s_pki.client_ec, "client-ec.crt"},
        {s_pki.client_ec_key, "client-ec.key"},
        {s_pki.ca_rsa, "ca-rsa.crt"},
        {s_pki.noip_rsa, "noip-rsa.crt"},
        {s_pki.noip_rsa_key, "noip-rsa.key"},
    };
    snprintf(s_pki.dir, sizeof(s_pki.dir), "%s", dir);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(files[i].path, PATH_MAX, "%s/%s", dir, files[i].name);
        if (access(files[i].path, R_OK) != 0) {
            return false;
        }
    }
    return true;
}

static void show_command(char *const argv[])
{
    printf("\n   $ esp-tls");
    for (int i = 1; argv[i] != NULL; i++) {
        bool quote = strpbrk(argv[i], " \\") != NULL;
        printf(quote ? " '%s'" : " %s", argv[i]);
    }
    printf("\n");
    fflush(stdout);
}

static pid_t spawn(char *const argv[], int out_fd)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null_fd = open("/dev/null", O_RDONLY);
        dup2(null_fd, STDIN_FILENO);
        dup2(out_fd, STDOUT_FILENO); /* stderr too: the lines stay in order */
        dup2(out_fd, STDERR_FILENO);
        execv(s_self, argv);
        _exit(127);
    }
    return pid;
}

/* Show server output, each line prefixed. */
static void echo_lines(const char *p, size_t n)
{
    static bool line_start = true;
    for (size_t i = 0; i < n; i++) {
        if (line_start) {
            fputs("   server| ", stdout);
        }
        putchar(p[i]);
        line_start = p[i] == '\n';
    }
}

/* Read from the server's output until @p marker has been seen or @p ms passed. */
static bool read_until(int fd, const char *marker, int ms, char *buf, size_t len, bool echo)
{
    size_t used = 0;
    int64_t end = cli_now_ms() + ms;
    buf[0] = '\0';
    while (strstr(buf, marker) == NULL && cli_now_ms() < end && used < len - 1) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)(end - cli_now_ms())) <= 0) {
            break;
        }
        ssize_t n = read(fd, buf + used, len - 1 - used);
        if (n <= 0) {
            break;
        }
        if (echo) {
            echo_lines(buf + used, (size_t)n);
        }
        used += (size_t)n;
        buf[used] = '\0';
    }
    return strstr(buf, marker) != NULL;
}

static bool server_start(demo_server_t *s, char *argv[])
{
    int fds[2];
    char buf[256];
    if (pipe(fds) != 0) {
        return false;
    }
    show_command(argv);
    s->pid = spawn(argv, fds[1]);
    close(fds[1]);
    s->out = fds[0];
    if (s->pid < 0 || !read_until(s->out, "\n", 5000, buf, sizeof(buf), false)) {
        printf("   server did not start\n");
        return false;
    }
    char *colon = strrchr(buf, ':');
    snprintf(s->port, sizeof(s->port), "%.*s", colon ? (int)strcspn(colon + 1, "\r\n") : 0,
             colon ? colon + 1 : "");
    printf("   %s", buf);
    return s->port[0] != '\0';
}

static void server_stop(demo_server_t *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        close(s->out);
        s->pid = 0;
    }
}

/* Run a client; show what the server printed about the session. Returns the exit status. */
static int client_run(char *argv[], demo_server_t *s)
{
    show_command(argv);
    pid_t pid = spawn(argv, STDOUT_FILENO);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        return -1;
    }
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    char buf[4096];
    printf("   (exit status %d)\n", rc);
    /* the server's lines about a session end with "closed:" */
    if (!read_until(s->out, "closed:", 1000, buf, sizeof(buf), true)) {
        read_until(s->out, "\n", 300, buf, sizeof(buf), true);
    }
    fflush(stdout);
    return rc;
}

static bool step_session(demo_server_t *s)
{
    char *srv[] = {"esp-tls",
                   "server",
                   "--port",
                   "0",
                   "--tls1.3",
                   "--cert",
                   s_pki.server_ec,
                   "--key",
                   s_pki.server_ec_key,
                   "--verify-client",
                   s_pki.ca_ec,
                   "--alpn",
                   "http/1.1",
                   "--www",
                   NULL};
    printf("\n== 2. Server: TLS 1.3 only, client certificate required\n");
    if (!server_start(s, srv)) {
        return false;
    }
    char target[32];
    snprintf(target, sizeof(target), "127.0.0.1:%s", s->port);
    char *cli[] = {"esp-tls",      "client",
                   "--ca",         s_pki.ca_ec,
                   "--cert",       s_pki.client_ec,
                   "--key",        s_pki.client_ec_key,
                   "--alpn",       "h2,http/1.1",
                   "--show-chain", "--stats",
                   "--request",    "GET / HTTP/1.0\\r\\n\\r\\n",
                   target,         NULL};
    printf("\n== 3. Client: verifies the server against the test root, presents its own cert\n");
    return client_run(cli, s) == CLI_OK;
}

static bool step_mismatch(demo_server_t *s)
{
    char *srv[] = {"esp-tls",      "server", "--port",           "0",     "--cert",
                   s_pki.noip_rsa, "--key",  s_pki.noip_rsa_key, "--www", NULL};
    printf("\n== 4. A failure: a certificate for \"localhost\" (no IP address in it), reached as "
           "127.0.0.1\n");
    if (!server_start(s, srv)) {
        return false;
    }
    char target[32];
    snprintf(target, sizeof(target), "127.0.0.1:%s", s->port);
    char *cli[] = {"esp-tls",    "client",    "--ca",
                   s_pki.ca_rsa, "--request", "GET / HTTP/1.0\\r\\n\\r\\n",
                   target,       NULL};
    bool failed = client_run(cli, s) == CLI_FAIL;
    printf("   The codes alone, explained offline:\n");
    char *explain[] = {"esp-tls", "explain", "0x2700", "0x04", NULL};
    show_command(explain);
    pid_t pid = spawn(explain, STDOUT_FILENO);
    waitpid(pid, NULL, 0);
    return failed;
}

static bool step_fix(demo_server_t *s)
{
    char target[32];
    snprintf(target, sizeof(target), "127.0.0.1:%s", s->port);
    char *cli[] = {"esp-tls", "client",    "--ca",      s_pki.ca_rsa,
                   "--sni",   "localhost", "--request", "GET / HTTP/1.0\\r\\n\\r\\n",
                   target,    NULL};
    printf("\n== 5. The fix: check the name the certificate holds (cfg.common_name = "
           "\"localhost\")\n");
    return client_run(cli, s) == CLI_OK;
}

static int parse(int argc, char **argv)
{
    static const struct option opts[] = {{"certs", 1, 0, 'c'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    const char *dir = "build/demo-certs";
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(s_help, stdout);
            return -1;
        }
        if (c != 'c') {
            return cli_bad_option("demo", c, argc, argv);
        }
        dir = optarg;
    }
    if (optind != argc) {
        return cli_usage_error("demo", "no arguments besides --certs DIR");
    }
    if (!find_pki(dir)) {
        return cli_usage_error("demo", "no test PKI in %s (make it: sh tests/certs/gen.sh %s)", dir,
                               dir);
    }
    return CLI_OK;
}

int cli_demo(int argc, char **argv)
{
    int rc = parse(argc, argv);
    ssize_t n = readlink("/proc/self/exe", s_self, sizeof(s_self) - 1);
    if (rc != CLI_OK || n <= 0) {
        return rc < 0 ? CLI_OK : CLI_USAGE;
    }
    s_self[n] = '\0';
    signal(SIGPIPE, SIG_IGN);
    int64_t t0 = cli_now_ms();
    printf("== 1. Test PKI in %s (tests/certs/gen.sh): roots, server and client certificates\n",
           s_pki.dir);
    fflush(stdout);
    demo_server_t a = {0}, b = {0};
    bool ok = step_session(&a);
    server_stop(&a);
    ok = ok && step_mismatch(&b);
    ok = ok && step_fix(&b);
    server_stop(&b);
    printf("\n%s (%lld ms)\n",
           ok ? "Demo OK: mutual TLS 1.3 session; a name mismatch explained "
                "and fixed."
              : "DEMO FAILED: a step did not go as expected (see above).",
           (long long)(cli_now_ms() - t0));
    return ok ? CLI_OK : CLI_FAIL;
}
