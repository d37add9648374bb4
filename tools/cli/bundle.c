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
 *
 * A bundle keeps only each root's name and key, not whether its certificate was a CA, so check
 * cannot tell from the bundle alone; with --certs (the certificates it was built from) each
 * entry is matched by name and key to its certificate, and entries that are not CAs (anything
 * their key signs is trusted, for any name) are reported and fail the check.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "der.h"
#include "esp_crt_bundle.h"
#include "mbedtls/x509_crt.h"

static const char s_help[] =
    "usage: esp-tls bundle build [generator options] PATH...   (see: esp-tls bundle build "
    "--help)\n"
    "       esp-tls bundle list FILE     the roots of a bundle: subject and key\n"
    "       esp-tls bundle check FILE [--certs CERTFILE]...\n"
    "                                    validate a bundle as esp_crt_bundle_set() does; with\n"
    "                                    --certs (the certificates it was built from), report\n"
    "                                    entries that are not CAs or have no certificate\n"
    "Exit: 0 ok, 1 invalid bundle, an entry that is not a CA, or build failure, 2 usage.\n";

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

/* Root @p i of a validated bundle, either format. */
static bool root_at(const cli_buf_t *b, size_t i, root_t *r)
{
    if (is_offsets(b)) {
        return offsets_root(b, i, r);
    }
    size_t count = b->len >= 2 ? be16(b->data) : 0, pos = 2;
    for (size_t n = 0; n < count && record_at(b, pos, be16, r); n++) {
        if (n == i) {
            return true;
        }
        pos += 4 + r->name_len + r->key_len;
    }
    return false;
}

/* Why @p crt is not a CA (as the generator judges), or NULL when it is one. */
static const char *not_ca(const mbedtls_x509_crt *crt)
{
    if (crt->version != 3) {
        return "an X.509 v1/v2 certificate cannot say it is a CA";
    }
    if (mbedtls_x509_crt_get_ca_istrue(crt) != 1) {
        return "its basicConstraints do not say cA TRUE";
    }
    if (mbedtls_x509_crt_check_key_usage(crt, MBEDTLS_X509_KU_KEY_CERT_SIGN) != 0) {
        return "its keyUsage does not allow keyCertSign";
    }
    return NULL;
}

static bool same_bytes(const uint8_t *a, size_t a_len, const unsigned char *b, size_t b_len)
{
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

/* The certificate of @p certs with the name and key of @p r; NULL if none. */
static const mbedtls_x509_crt *cert_of(const mbedtls_x509_crt *certs, const root_t *r)
{
    for (const mbedtls_x509_crt *c = certs; c != NULL && c->raw.p != NULL; c = c->next) {
        if (same_bytes(r->name, r->name_len, c->subject_raw.p, c->subject_raw.len) &&
            same_bytes(r->key, r->key_len, c->pk_raw.p, c->pk_raw.len)) {
            return c;
        }
    }
    return NULL;
}

typedef struct {
    size_t ca, not_ca, unknown;
} ca_counts_t;

/* One entry against the certificates: counted, and a line unless it is a CA. */
static void judge_entry(size_t i, const root_t *r, const mbedtls_x509_crt *certs, ca_counts_t *n)
{
    char name[512];
    der_name_string(r->name, r->name_len, name, sizeof(name));
    const mbedtls_x509_crt *c = cert_of(certs, r);
    const char *why = c != NULL ? not_ca(c) : NULL;
    if (c == NULL) {
        n->unknown++;
        printf("%4zu  %s: no certificate with this name and key among --certs: CA or not "
               "cannot be told\n",
               i, name);
    } else if (why != NULL) {
        n->not_ca++;
        printf("%4zu  %s: NOT A CA (%s): anything its key signs is trusted, for any name\n", i,
               name, why);
    } else {
        n->ca++;
    }
}

/* Parse the --certs files into @p certs; false (a message printed) on a file that fails. */
static bool load_certs(char **paths, int count, mbedtls_x509_crt *certs)
{
    for (int i = 0; i < count; i++) {
        cli_certs_t set = {0};
        bool ok = cli_certs_load(&set, paths[i]);
        for (int k = 0; ok && k < set.count; k++) {
            ok = mbedtls_x509_crt_parse_der(certs, set.der[k].data, set.der[k].len) == 0;
            if (!ok) {
                fprintf(stderr, "esp-tls: %s: certificate #%d does not parse\n", paths[i], k);
            }
        }
        cli_certs_free(&set);
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* check --certs: each entry matched to its certificate by name and key. */
static int check_ca(const cli_buf_t *b, char **paths, int count)
{
    mbedtls_x509_crt certs;
    mbedtls_x509_crt_init(&certs);
    int rc = CLI_USAGE;
    if (load_certs(paths, count, &certs)) {
        ca_counts_t n = {0};
        root_t r;
        for (size_t i = 0; root_at(b, i, &r); i++) {
            judge_entry(i, &r, &certs, &n);
        }
        printf("%zu CA, %zu not a CA, %zu without a certificate\n", n.ca, n.not_ca, n.unknown);
        rc = n.not_ca != 0 ? CLI_FAIL : CLI_OK;
    }
    mbedtls_x509_crt_free(&certs);
    return rc;
}

/* "check FILE [--certs CERTFILE]...": the --certs values gathered in place into argv. */
static int check_args(int argc, char **argv, int *ncerts)
{
    *ncerts = 0;
    for (int i = 3; i < argc; i += 2) {
        if (strcmp(argv[i], "--certs") != 0 || i + 1 >= argc) {
            return cli_usage_error("bundle", "check FILE [--certs CERTFILE]...: unexpected %s",
                                   argv[i]);
        }
        argv[3 + (*ncerts)++] = argv[i + 1];
    }
    return CLI_OK;
}

/* After the bundle validated: the CA status of its entries, or why it is not checked. */
static int check_valid(const char *path, const cli_buf_t *b, char **certs, int ncerts)
{
    printf("%s: valid bundle, %s format, %zu bytes\n", path,
           is_offsets(b) ? "offset-table" : "legacy", b->len);
    if (ncerts > 0) {
        return check_ca(b, certs, ncerts);
    }
    printf("CA status not checked: a bundle keeps only each root's name and key; give the "
           "certificates it was built from with --certs to find entries that are not CAs\n");
    return CLI_OK;
}

static int check(int argc, char **argv)
{
    int ncerts;
    int rc = check_args(argc, argv, &ncerts);
    if (rc != CLI_OK) {
        return rc;
    }
    cli_buf_t b;
    rc = load_checked(argv[2], &b);
    if (rc == CLI_OK) {
        rc = check_valid(argv[2], &b, argv + 3, ncerts);
    }
    cli_buf_free(&b);
    return rc;
}

static int list_or_check(const char *sub, int argc, char **argv)
{
    if (strcmp(sub, "check") == 0) {
        return argc >= 3 ? check(argc, argv) : cli_usage_error("bundle", "check wants a FILE");
    }
    if (argc != 3) {
        return cli_usage_error("bundle", "%s wants one FILE", sub);
    }
    cli_buf_t b;
    int rc = load_checked(argv[2], &b);
    if (rc == CLI_OK) {
        rc = list(&b);
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
