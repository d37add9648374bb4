// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the bundle generator (src/bundle/bundle_gen*.c): output compared byte for
 * byte with committed fixtures made by an independent implementation (fixtures/README.md),
 * labels and the filter, inputs that must be refused with a message naming the file, the
 * atomic write, and the default bundle built from this machine's ca-certificates.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "unit_support.h"

#include "bundle/bundle_gen.h"
#include "bundle/bundle_internal.h"
#include "bundle_test_util.h"
#include "mbedtls/pk.h"
#include "sdkconfig.h"

/* The default bundle is all of ca-certificates (count checked) only in this configuration. */
#if defined(CONFIG_MBEDTLS_CERTIFICATE_BUNDLE) &&                                                  \
    defined(CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL) &&                                     \
    !defined(CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE)
#define DEFAULT_IS_FULL 1
#else
#define DEFAULT_IS_FULL 0
#endif
#if defined(CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN) &&                                      \
    !defined(CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE)
#define DEFAULT_IS_CMN 1
#else
#define DEFAULT_IS_CMN 0
#endif

static char s_tmp[256];
static char s_msgs[8192];

static void on_msg(void *ctx, esp_crt_bundle_msg_level_t level, const char *msg)
{
    (void)ctx;
    if (level != ESP_CRT_BUNDLE_MSG_INFO) {
        size_t n = strlen(s_msgs);
        snprintf(s_msgs + n, sizeof(s_msgs) - n, "%s\n", msg);
    }
}

static int setup(void **state)
{
    (void)state;
    snprintf(s_tmp, sizeof(s_tmp), "%s/esp-tls-bundle-gen.XXXXXX", getenv("TMPDIR") ?: "/tmp");
    return mkdtemp(s_tmp) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s_tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp_path(const char *name)
{
    static char path[8][512];
    static unsigned next;
    char *p = path[next++ % 8];
    snprintf(p, sizeof(path[0]), "%s/%s", s_tmp, name);
    return p;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void copy_file(const char *from, const char *to)
{
    size_t len = 0;
    unsigned char *data = bt_read(from, &len);
    assert_non_null(data);
    write_bytes(to, data, len);
    free(data);
}

/* Build from @p inputs (all filtered) and return the result code; output in *out. */
static esp_err_t build(const char *const *paths, size_t n, const char *filter, size_t max,
                       esp_crt_bundle_format_t fmt, uint8_t **out, size_t *len)
{
    esp_crt_bundle_input_t in[16];
    for (size_t i = 0; i < n; i++) {
        in[i] = (esp_crt_bundle_input_t){paths[i], true};
    }
    esp_crt_bundle_build_cfg_t cfg = {.inputs = in,
                                      .input_count = n,
                                      .filter_csv = filter,
                                      .max_certs = max,
                                      .format = fmt,
                                      .msg = on_msg};
    s_msgs[0] = '\0';
    return esp_crt_bundle_build(&cfg, out, len, NULL);
}

static void expect_equal_to(const char *fixture, uint8_t *out, size_t len)
{
    size_t want_len = 0;
    unsigned char *want = bt_read(bt_fixture(fixture), &want_len);
    assert_non_null(want);
    assert_int_equal(len, want_len);
    assert_memory_equal(out, want, len);
    free(want);
}

static void expect_built(const char *fixture, uint8_t *out, size_t len)
{
    expect_equal_to(fixture, out, len);
    esp_crt_bundle_build_free(out);
}

/* ---- output equals the fixtures ----------------------------------------------------------- */

static const char *s_six[] = {"root-a-rsa.pem",     "root-b-ec.pem", "root-c-ec384.der",
                              "root-d-rsa-pss.pem", "root-e1.pem",   "root-e2.pem"};

static void test_matches_fixture(void **state)
{
    (void)state;
    const char *paths[6];
    for (size_t i = 0; i < 6; i++) {
        paths[i] = bt_fixture(s_six[i]);
    }
    uint8_t *out;
    size_t len = 0;
    assert_int_equal(build(paths, 6, NULL, 0, ESP_CRT_BUNDLE_FMT_OFFSETS, &out, &len), ESP_OK);
    expect_built("expected.bin", out, len);
    assert_int_equal(build(paths, 6, NULL, 0, ESP_CRT_BUNDLE_FMT_LEGACY, &out, &len), ESP_OK);
    expect_built("expected-legacy.bin", out, len);
}

static void test_directory(void **state)
{
    (void)state;
    const char *paths[] = {bt_fixture("dir")};
    uint8_t *out;
    size_t len = 0;
    assert_int_equal(build(paths, 1, NULL, 0, ESP_CRT_BUNDLE_FMT_OFFSETS, &out, &len), ESP_OK);
    assert_non_null(strstr(s_msgs, "README.txt: skipped"));
    expect_built("expected-dir.bin", out, len);
}

static void test_filter_labels_in_pem_list(void **state)
{
    (void)state;
    const char *paths[] = {bt_fixture("list.pem")};
    uint8_t *out;
    size_t len = 0;
    assert_int_equal(
        build(paths, 1, bt_fixture("filter.csv"), 0, ESP_CRT_BUNDLE_FMT_OFFSETS, &out, &len),
        ESP_OK);
    expect_built("expected-filtered.bin", out, len);
}

/* Debian's layout: one root per file, the label in the file name ('_' for ' ' and ',',
 * '=' for parentheses). */
static void test_filter_labels_from_file_names(void **state)
{
    (void)state;
    assert_int_equal(mkdir(tmp_path("moz"), 0755), 0);
    copy_file(bt_fixture("root-a-rsa.pem"), tmp_path("moz/Fixture_Root_A.crt"));
    copy_file(bt_fixture("root-b-ec.pem"), tmp_path("moz/Fixture_Root_B__EC.crt"));
    copy_file(bt_fixture("root-c-ec384.der"), tmp_path("moz/Fixture_Root_C_=Mixed=.crt"));
    const char *paths[] = {tmp_path("moz")};
    uint8_t *out;
    size_t len = 0;
    assert_int_equal(
        build(paths, 1, bt_fixture("filter.csv"), 0, ESP_CRT_BUNDLE_FMT_OFFSETS, &out, &len),
        ESP_OK);
    expect_built("expected-filtered.bin", out, len);
}

/* Custom certificates (unfiltered input) are kept whatever the filter says. */
static void test_unfiltered_input(void **state)
{
    (void)state;
    esp_crt_bundle_input_t in[] = {{bt_fixture("list.pem"), true},
                                   {bt_fixture("root-d-rsa-pss.pem"), false}};
    esp_crt_bundle_build_cfg_t cfg = {
        .inputs = in, .input_count = 2, .filter_csv = bt_fixture("filter.csv"), .msg = on_msg};
    uint8_t *out;
    size_t len, count;
    assert_int_equal(esp_crt_bundle_build(&cfg, &out, &len, &count), ESP_OK);
    assert_int_equal(count, 3);
    esp_crt_bundle_build_free(out);
}

/* ---- refused inputs ------------------------------------------------------------------------- */

typedef struct {
    const char *name;    /* file written into the temp dir */
    const char *content; /* NULL: copy the fixture @p fixture, cut to @p cut bytes */
    const char *fixture;
    size_t cut;
    esp_err_t rc;
    const char *message; /* in the error output, after the file name */
} bad_input_t;

static const char s_key_pem[] = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n"
                                "-----END PRIVATE KEY-----\n";
static const char s_garbage_pem[] = "-----BEGIN CERTIFICATE-----\nAAAAAAAAAAAAAAAA\n"
                                    "-----END CERTIFICATE-----\n";
static const char s_bad_b64[] = "-----BEGIN CERTIFICATE-----\nMII*!!\n-----END CERTIFICATE-----\n";
static const char s_non_ascii[] = "-----BEGIN CERTIFICATE-----\nMIIB\xc3\xa4QQ==\n"
                                  "-----END CERTIFICATE-----\n";
static const char s_no_end[] = "-----BEGIN CERTIFICATE-----\nMIIBQQ==\n";
static const char s_wrong_end[] = "-----BEGIN CERTIFICATE-----\nMIIBQQ==\n-----END X509 CRL-----\n";

static const bad_input_t s_bad[] = {
    {"key.pem", s_key_pem, NULL, 0, ESP_ERR_INVALID_ARG, ":1: a PEM block that is not a cert"},
    {"text.pem", "hello\n", NULL, 0, ESP_ERR_INVALID_ARG, ": no PEM certificate in the file"},
    {"empty.pem", "", NULL, 0, ESP_ERR_INVALID_ARG, ": no PEM certificate in the file"},
    {"garbage.pem", s_garbage_pem, NULL, 0, ESP_ERR_INVALID_ARG, ":1: certificate #1: not a"},
    {"b64.pem", s_bad_b64, NULL, 0, ESP_ERR_INVALID_ARG, ":3: invalid base64"},
    {"nonascii.pem", s_non_ascii, NULL, 0, ESP_ERR_INVALID_ARG, ":2: non-ASCII byte"},
    {"noend.pem", s_no_end, NULL, 0, ESP_ERR_INVALID_ARG, ":1: PEM certificate without an END"},
    {"wrongend.pem", s_wrong_end, NULL, 0, ESP_ERR_INVALID_ARG, ":3: the END line does not"},
    {"cut.der", NULL, "root-c-ec384.der", 300, ESP_ERR_INVALID_ARG, ": not a DER certificate"},
    {"one.der", NULL, "root-c-ec384.der", 1, ESP_ERR_INVALID_ARG, ": not a DER certificate"},
    {"pem-as.der", NULL, "root-a-rsa.pem", 0, ESP_ERR_INVALID_ARG, ": not a DER certificate"},
    {"cut.crt", NULL, "root-c-ec384.der", 575, ESP_ERR_INVALID_ARG, ": not a DER certificate"},
    {"notes.txt", "x", NULL, 0, ESP_ERR_INVALID_ARG, ": unsupported file type"},
};

static void test_bad_inputs(void **state)
{
    (void)state;
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(s_bad); i++) {
        const bad_input_t *t = &s_bad[i];
        const char *path = tmp_path(t->name);
        if (t->content != NULL) {
            write_bytes(path, t->content, strlen(t->content));
        } else {
            size_t len = 0;
            unsigned char *data = bt_read(bt_fixture(t->fixture), &len);
            write_bytes(path, data, t->cut ? t->cut : len);
            free(data);
        }
        uint8_t *out = (uint8_t *)1;
        size_t len = 1;
        assert_int_equal(build(&path, 1, NULL, 0, ESP_CRT_BUNDLE_FMT_OFFSETS, &out, &len), t->rc);
        assert_null(out);
        char want[600];
        snprintf(want, sizeof(want), "%s%s", path, t->message);
        if (strstr(s_msgs, want) == NULL) {
            fail_msg("%s: expected '%s' in:\n%s", t->name, want, s_msgs);
        }
    }
}

static void test_missing_and_empty(void **state)
{
    (void)state;
    uint8_t *out;
    size_t len = 0;
    const char *missing = tmp_path("does-not-exist.pem");
    assert_int_equal(build(&missing, 1, NULL, 0, 0, &out, &len), ESP_ERR_NOT_FOUND);
    assert_non_null(strstr(s_msgs, missing));
    assert_int_equal(mkdir(tmp_path("empty"), 0755), 0);
    write_bytes(tmp_path("empty/readme.md"), "x", 1);
    const char *dir = tmp_path("empty");
    assert_int_equal(build(&dir, 1, NULL, 0, 0, &out, &len), ESP_ERR_INVALID_ARG);
    assert_non_null(strstr(s_msgs, "empty: no .pem, .crt, .cer or .der file in it"));
    assert_int_equal(build(NULL, 0, NULL, 0, 0, &out, &len), ESP_ERR_INVALID_ARG);
    assert_non_null(strstr(s_msgs, "no certificate in the inputs"));
    esp_crt_bundle_build_cfg_t cfg = {.allow_empty = true};
    assert_int_equal(esp_crt_bundle_build(&cfg, &out, &len, NULL), ESP_OK);
    assert_null(out);
    assert_int_equal(len, 0);
}

static void test_unknown_filter_label(void **state)
{
    (void)state;
    const char *csv = tmp_path("filter.csv");
    static const char text[] = "Owner,Label\nx,Fixture Root A\n\nx,No Such Root\n";
    write_bytes(csv, text, strlen(text));
    const char *paths[] = {bt_fixture("list.pem")};
    uint8_t *out;
    size_t len = 0;
    assert_int_equal(build(paths, 1, csv, 0, 0, &out, &len), ESP_ERR_INVALID_ARG);
    char want[600];
    snprintf(want, sizeof(want), "%s:4: label \"No Such Root\" matches no certificate", csv);
    assert_non_null(strstr(s_msgs, want));
    static const char header_only[] = "Owner,Label\n";
    write_bytes(csv, header_only, strlen(header_only));
    assert_int_equal(build(paths, 1, csv, 0, 0, &out, &len), ESP_ERR_INVALID_ARG);
    assert_non_null(strstr(s_msgs, "no label in the filter"));
}

static void test_too_many_certificates(void **state)
{
    (void)state;
    const char *paths[] = {bt_fixture("list.pem")}; /* three roots */
    uint8_t *out;
    size_t len = 0;
    assert_int_equal(build(paths, 1, NULL, 2, 0, &out, &len), ESP_ERR_INVALID_SIZE);
    char want[600];
    snprintf(want, sizeof(want), "%s: certificate #3 is one more than the maximum of 2", paths[0]);
    assert_non_null(strstr(s_msgs, want));
    assert_int_equal(build(paths, 1, NULL, 3, 0, &out, &len), ESP_OK);
    esp_crt_bundle_build_free(out);
}

/* ---- the written file ---------------------------------------------------------------------- */

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        n += e->d_name[0] != '.';
    }
    if (d != NULL) {
        closedir(d);
    }
    return n;
}

static void test_atomic_file(void **state)
{
    (void)state;
    assert_int_equal(mkdir(tmp_path("out"), 0755), 0);
    const char *dst = tmp_path("out/x509_crt_bundle");
    esp_crt_bundle_input_t in[] = {{bt_fixture("dir"), true}};
    esp_crt_bundle_build_cfg_t cfg = {.inputs = in, .input_count = 1, .msg = on_msg};
    size_t count = 0;
    assert_int_equal(esp_crt_bundle_build_file(&cfg, dst, &count), ESP_OK);
    assert_int_equal(count, 2);
    size_t len = 0;
    unsigned char *got = bt_read(dst, &len);
    expect_equal_to("expected-dir.bin", got, len);
    free(got);
    /* a failed build leaves the old file as it was, and no temporary file behind */
    in[0].path = tmp_path("does-not-exist");
    assert_int_not_equal(esp_crt_bundle_build_file(&cfg, dst, NULL), ESP_OK);
    got = bt_read(dst, &len);
    expect_equal_to("expected-dir.bin", got, len);
    free(got);
    assert_int_equal(count_entries(tmp_path("out")), 1);
    /* an unwritable destination: an error naming it, nothing left behind */
    in[0].path = bt_fixture("dir");
    s_msgs[0] = '\0';
    assert_int_equal(esp_crt_bundle_build_file(&cfg, tmp_path("nodir/x"), NULL), ESP_FAIL);
    assert_non_null(strstr(s_msgs, "nodir/x: cannot create a temporary file"));
}

/* ---- the default bundle of this build ---------------------------------------------------- */

static size_t count_roots(const char *source)
{
    struct stat st;
    if (stat(source, &st) == 0 && S_ISDIR(st.st_mode)) {
        return count_entries(source);
    }
    size_t len = 0, n = 0;
    unsigned char *text = bt_read(source, &len);
    for (char *p = (char *)text; p && (p = strstr(p, "-----BEGIN CERTIFICATE-----")); p++) {
        n++;
    }
    free(text);
    return n;
}

/* Labels in the "common" list: its lines but the header. */
static size_t count_labels(const char *csv)
{
    size_t len = 0, n = 0;
    unsigned char *text = bt_read(csv, &len);
    for (size_t i = 0; text != NULL && i < len; i++) {
        n += text[i] == '\n';
    }
    free(text);
    return n > 0 ? n - 1 : 0;
}

static void test_default_bundle(void **state)
{
    (void)state;
    if (!DEFAULT_IS_FULL && !DEFAULT_IS_CMN) {
        skip();
    }
    size_t len = 0;
    unsigned char *blob = bt_read(BUNDLE_DEFAULT_BIN, &len);
    assert_non_null(blob);
    assert_int_equal(len, esp_crt_bundle_default_size);
    assert_memory_equal(blob, esp_crt_bundle_default, len);
    esp_crt_bundle_t b;
    assert_int_equal(esp_crt_bundle_parse(blob, len, esp_crt_bundle_max_certs(), &b, NULL, 0),
                     ESP_OK);
    /* every root of the ca-certificates package (or of the common list), no more, no less */
    size_t roots =
        DEFAULT_IS_FULL ? count_roots(BUNDLE_CA_CERTIFICATES) : count_labels(BUNDLE_CMN_CSV);
    print_message("default bundle: %zu roots (expected %zu from %s), %zu bytes\n", b.count, roots,
                  DEFAULT_IS_FULL ? BUNDLE_CA_CERTIFICATES : BUNDLE_CMN_CSV, len);
    assert_true(roots > (DEFAULT_IS_FULL ? 100 : 10));
    assert_int_equal(b.count, roots);
    for (size_t i = 0; i < b.count; i++) { /* and Mbed TLS can use every key */
        esp_crt_bundle_entry_t e;
        assert_true(esp_crt_bundle_get(&b, i, &e));
        mbedtls_pk_context pk;
        mbedtls_pk_init(&pk);
        assert_int_equal(mbedtls_pk_parse_public_key(&pk, e.key, e.key_len), 0);
        mbedtls_pk_free(&pk);
    }
    free(blob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_fixture),
        cmocka_unit_test(test_directory),
        cmocka_unit_test(test_filter_labels_in_pem_list),
        cmocka_unit_test(test_filter_labels_from_file_names),
        cmocka_unit_test(test_unfiltered_input),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_missing_and_empty),
        cmocka_unit_test(test_unknown_filter_label),
        cmocka_unit_test(test_too_many_certificates),
        cmocka_unit_test(test_atomic_file),
        cmocka_unit_test(test_default_bundle),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
