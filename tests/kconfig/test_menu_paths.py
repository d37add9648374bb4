# SPDX-License-Identifier: Apache-2.0
"""The FAQ's menuconfig paths exist as written, with ESP-IDF's option names.

Run with Debian's python3 (kconfiglib): /usr/bin/python3 test_menu_paths.py KCONFIG
"""
import sys

import kconfiglib

# (menu path as the FAQ and ESP-IDF docs give it, Kconfig symbol)
EXPECTED = [
    (["Component config", "ESP-TLS", "Allow potentially insecure options"], "ESP_TLS_INSECURE"),
    (["Component config", "ESP-TLS", "Allow potentially insecure options",
      "Skip server certificate verification by default"], "ESP_TLS_SKIP_SERVER_CERT_VERIFY"),
    (["Component config", "mbedTLS", "Using dynamic TX/RX buffer"], "MBEDTLS_DYNAMIC_BUFFER"),
    # nested under the dynamic buffer option, as the FAQ's path goes
    (["Component config", "mbedTLS", "Using dynamic TX/RX buffer",
      "Free private key and DHM data after its usage"], "MBEDTLS_DYNAMIC_FREE_CONFIG_DATA"),
    # the FAQ's second answer: "to test HTTP OTA, enable ESP HTTPS OTA -> Allow HTTP for OTA"
    (["Component config", "ESP HTTPS OTA", "Allow HTTP for OTA"], "ESP_HTTPS_OTA_ALLOW_HTTP"),
    (["Component config", "ESP HTTP client", "Enable https"], "ESP_HTTP_CLIENT_ENABLE_HTTPS"),
]


def matches(found, want):
    """Same menus; the option's own prompt may go on (ESP-IDF adds warnings to some)."""
    return (len(found) == len(want) and found[:-1] == want[:-1]
            and found[-1].startswith(want[-1]))


def prompt_path(node):
    path = []
    while node is not None and node.parent is not None:
        if node.prompt:
            path.append(node.prompt[0])
        node = node.parent
    return list(reversed(path))


def main():
    kconf = kconfiglib.Kconfig(sys.argv[1], warn_to_stderr=False)
    failures = []
    for path, symbol in EXPECTED:
        sym = kconf.syms.get(symbol)
        if sym is None or not sym.nodes:
            failures.append(f"{symbol}: not defined")
            continue
        found = [prompt_path(n) for n in sym.nodes]
        if not any(matches(f, path) for f in found):
            failures.append(f"{symbol}: menu path {found} != {path}")
    # every option the library reads exists (names are API)
    for name in ["ESP_TLS_USING_MBEDTLS", "ESP_TLS_CLIENT_SESSION_TICKETS",
                 "ESP_TLS_SERVER_SESSION_TICKETS", "ESP_TLS_PSK_VERIFICATION",
                 "MBEDTLS_SSL_IN_CONTENT_LEN", "MBEDTLS_SSL_OUT_CONTENT_LEN",
                 "MBEDTLS_SSL_KEEP_PEER_CERTIFICATE", "MBEDTLS_DEBUG", "MBEDTLS_DEBUG_LEVEL",
                 "MBEDTLS_SSL_PROTO_TLS1_2", "MBEDTLS_SSL_PROTO_TLS1_3", "MBEDTLS_SSL_ALPN",
                 "MBEDTLS_HAVE_TIME_DATE", "MBEDTLS_CERTIFICATE_BUNDLE",
                 "MBEDTLS_DYNAMIC_FREE_CA_CERT", "LOG_DEFAULT_LEVEL"]:
        if name not in kconf.syms or not kconf.syms[name].nodes:
            failures.append(f"{name}: not defined")
    # an implemented option does not claim otherwise
    for name in ["MBEDTLS_DYNAMIC_BUFFER", "MBEDTLS_DYNAMIC_FREE_CONFIG_DATA",
                 "MBEDTLS_DYNAMIC_FREE_CA_CERT", "MBEDTLS_DYNAMIC_FREE_PEER_CERT",
                 "ESP_TLS_CLIENT_SESSION_TICKETS", "ESP_TLS_SERVER_SESSION_TICKETS",
                 "ESP_TLS_SERVER_CERT_SELECT_HOOK", "ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL",
                 "ESP_TLS_PSK_VERIFICATION", "ESP_TLS_SKIP_SERVER_CERT_VERIFY"]:
        helps = " ".join(n.help or "" for n in kconf.syms[name].nodes)
        if "Not implemented yet" in helps:
            failures.append(f"{name}: implemented, but its help says it is not")
    for f in failures:
        print("FAIL", f)
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
