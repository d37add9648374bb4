// SPDX-License-Identifier: Apache-2.0
/*
 * esp_tls_crypto.h: SHA-1 and base64 against known answers (FIPS 180 "abc", RFC 4648 §10),
 * and the WebSocket accept key of RFC 6455 §1.3, which is what esp_http_server uses them for.
 */
#include "esp_tls_crypto.h"
#include "unit_support.h"

static void test_sha1_abc(void **state)
{
    (void)state;
    static const unsigned char want[20] = {0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81,
                                           0x6a, 0xba, 0x3e, 0x25, 0x71, 0x78, 0x50,
                                           0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d};
    unsigned char out[20];
    assert_int_equal(esp_crypto_sha1((const unsigned char *)"abc", 3, out), 0);
    assert_memory_equal(out, want, sizeof(want));
}

static void test_base64_rfc4648(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {{"", ""},
                 {"f", "Zg=="},
                 {"fo", "Zm8="},
                 {"foo", "Zm9v"},
                 {"foob", "Zm9vYg=="},
                 {"fooba", "Zm9vYmE="},
                 {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(cases); i++) {
        unsigned char dst[16];
        size_t olen = 99;
        assert_int_equal(esp_crypto_base64_encode(dst, sizeof(dst), &olen,
                                                  (const unsigned char *)cases[i].in,
                                                  strlen(cases[i].in)),
                         0);
        assert_int_equal(olen, strlen(cases[i].out));
        assert_memory_equal(dst, cases[i].out, olen);
    }
}

static void test_base64_too_small(void **state)
{
    (void)state;
    unsigned char dst[4];
    size_t olen = 0;
    assert_int_equal(
        esp_crypto_base64_encode(dst, sizeof(dst), &olen, (const unsigned char *)"foobar", 6),
        -0x002A);
    assert_true(olen > sizeof(dst)); /* the size it would need */
}

static void test_websocket_accept(void **state)
{
    (void)state;
    static const char key[] = "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[20], b64[32];
    size_t olen = 0;
    assert_int_equal(esp_crypto_sha1((const unsigned char *)key, strlen(key), digest), 0);
    assert_int_equal(esp_crypto_base64_encode(b64, sizeof(b64), &olen, digest, sizeof(digest)), 0);
    assert_memory_equal(b64, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", olen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha1_abc),
        cmocka_unit_test(test_base64_rfc4648),
        cmocka_unit_test(test_base64_too_small),
        cmocka_unit_test(test_websocket_accept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
