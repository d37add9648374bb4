// SPDX-License-Identifier: Apache-2.0
/*
 * esp-tls bundle build|list|check: the certificate bundle (ESP-IDF's x509_crt_bundle format).
 *
 * build runs the generator esp_crt_bundle_gen (installed next to this tool; its library is
 * not part of the public API). check validates with esp_crt_bundle_set(), the same code the
 * library runs before it uses a bundle. list walks the blob after that validation; the format
 * is documented in docs/COMPAT.md: offset table (u32 LE offsets, then records of u16 LE
 * name_len, u16 LE key_len, DER subject, DER SubjectPublicKeyInfo) or the legacy format
 * (u16 BE count, records with BE lengths).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "der.h"
#include "esp_crt_bundle.h"

static const char s_help[] =
    "usage: esp-tls bundle build [generator options] PATH...   (see: esp-tls bundle build "
    "--help)\n"
    "       esp-tls bundle list FILE     the roots of a bundle: subject and key\n"
    "       esp-tls bundle check FILE    validate a bundle as esp_crt_bundle_set() does\n"
    "Exit: 0 ok, 1 invalid bundle or build failure, 2 usage.\n";

typedef struct {
    const uint8_t *name, *key;
    size_t name_len, key_len;
} root_t;

static unsigned le16(const uint8_t *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | (unsigned)p[1];
}

static size_t le32(const uint8_t *p)
{
    return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
}

/* Record at @p pos with lengths read by @p rd; false if it does not fit. */
static bool record_at(const cli_buf_t *b, size_t pos, unsigned (*rd)(const uint8_t *), root_t *r)
{
    if (pos + 4 > b->len) {
        return false;
    }
    r->name_len = rd(b->data + pos);
    r->key_len = rd(b->data + pos + 2);
    r->name = b->data + pos + 4;
    r->key = r->name + r->name_len;
    return pos + 4 + r->name_len + r->key_len <= b->len;
}

/* Root @p i of an offset-table bundle (count = offset[0] / 4). */
static bool offsets_root(const cli_buf_t *b, size_t i, root_t *r)
{
    size_t count = b->len >= 4 ? le32(b->data) / 4 : 0;
    return i < count && record_at(b, le32(b->data + 4 * i), le16, r);
}

static bool is_offsets(const cli_buf_t *b)
{
    if (b->len < 4 || le32(b->data) % 4 != 0 || le32(b->data) == 0 || le32(b->data) > b->len) {
        return false;
    }
    root_t r;
    for (size_t i = 0; i < le32(b->data) / 4; i++) {
        if (!offsets_root(b, i, &r)) {
            return false;
        }
    }
    return true;
}

static void print_root(size_t i, const root_t *r)
{
    char name[512], key[64];
    der_name_string(r->name, r->name_len, name, sizeof(name));
    der_spki_string(r->key, r->key_len, key, sizeof(key));
    printf("%4zu  %-12s %s\n", i, key, name);
}

static int list(const cli_buf_t *b)
{
    root_t r;
    size_t n = 0;
    if (is_offsets(b)) {
        for (; offsets_root(b, n, &r); n++) {
            print_root(n, &r);
        }
        printf("%zu roots (offset-table format)\n", n);
        return CLI_OK;
    }
    size_t count = b->len >= 2 ? be16(b->data) : 0, pos = 2;
    for (; n < count && record_at(b, pos, be16, &r); n++) {
        print_root(n, &r);
        pos += 4 + r.name_len + r.key_len;
    }
    printf("%zu roots (legacy format)\n", n);
    return n == count ? CLI_OK : CLI_FAIL;
}

/* Validate with the library; the reason for a refusal is logged by it on stderr. */
static int load_checked(const char *path, cli_buf_t *b)
{
    if (!cli_read_file(path, b)) {
        return CLI_USAGE;
    }
    esp_err_t rc = esp_crt_bundle_set(b->data, b->len);
    esp_crt_bundle_detach(NULL);
    if (rc != ESP_OK) {
        fprintf(stderr, "%s: not a valid certificate bundle (%s)\n", path, esp_err_to_name(rc));
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int list_or_check(const char *sub, int argc, char **argv)
{
    if (argc != 3) {
        return cli_usage_error("bundle", "%s wants one FILE", sub);
    }
    cli_buf_t b;
    int rc = load_checked(argv[2], &b);
    if (rc == CLI_OK && strcmp(sub, "list") == 0) {
        rc = list(&b);
    } else if (rc == CLI_OK) {
        printf("%s: valid bundle, %s format, %zu bytes\n", argv[2],
               is_offsets(&b) ? "offset-table" : "legacy", b.len);
    }
    cli_buf_free(&b);
    return rc;
}

/* "bundle build --help": this line, then the generator's own usage (which exits 2). */
static int build_help(const char *prog)
{
    printf("usage: esp-tls bundle build [options] PATH...   runs %s:\n", prog);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(STDOUT_FILENO, STDERR_FILENO);
        execlp(prog, prog, "--help", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return CLI_OK;
}

/* The generator next to this executable, else from PATH. */
static int build(int argc, char **argv)
{
    char self[PATH_MAX], gen[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    const char *prog = "esp_crt_bundle_gen";
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash != NULL) {
            *slash = '\0';
        }
        snprintf(gen, sizeof(gen), "%s/esp_crt_bundle_gen", self);
        prog = access(gen, X_OK) == 0 ? gen : prog;
    }
    if (argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
        return build_help(prog);
    }
    argv[1] = (char *)prog; /* generator arguments follow "build" */
    execvp(prog, argv + 1);
    fprintf(stderr, "esp-tls bundle build: cannot run %s\n", prog);
    return CLI_USAGE;
}

int cli_bundle(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(s_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "build") == 0) {
        return build(argc, argv);
    }
    if (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "check") == 0) {
        if (argc == 3 && strcmp(argv[2], "--help") == 0) {
            fputs(s_help, stdout);
            return CLI_OK;
        }
        return list_or_check(argv[1], argc, argv);
    }
    return cli_usage_error("bundle", "unknown subcommand %s (build, list or check)", argv[1]);
}
