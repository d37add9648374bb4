#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Turn the project's Kconfig + sdkconfig into sdkconfig.h and an Mbed TLS config header.

Usage (see tools/kconfig/README.md):

  /usr/bin/python3 tools/kconfig/gen_config.py --kconfig Kconfig \\
      --config BUILD/sdkconfig --defaults sdkconfig.defaults [--defaults more.defaults ...] \\
      --mbedtls-default MBEDTLS/include/mbedtls/mbedtls_config.h \\
      --out-sdkconfig-h BUILD/config/sdkconfig.h \\
      --out-mbedtls-config BUILD/config/mbedtls_config.h \\
      [--out-summary BUILD/config/config-summary.txt]

* No sdkconfig yet: the defaults files are applied in order (later ones win) and the full
  sdkconfig is written.
* An sdkconfig exists: it is loaded on top of the defaults files, so every option it states
  keeps its value; the defaults only fill in options it does not mention (new options). It
  is rewritten only if this normalisation changed its text.
* Every output is written only when its content changes, so file times stay stable and the
  build recompiles only what depends on a changed option.

Needs only kconfiglib (Debian: python3-kconfiglib, hence /usr/bin/python3).
"""

import argparse
import os
import sys
import tempfile

PROG = "gen_config"

SDKCONFIG_HEADER = (
    "# esp-tls for POSIX configuration (sdkconfig format).\n"
    "# Written by tools/kconfig/gen_config.py. Change it with menuconfig or by hand;\n"
    "# the build normalises it against Kconfig.\n"
    "#\n"
)

OVERRIDES_TITLE = "esp-tls for POSIX overrides generated from sdkconfig"

# Marker defined at the end of the generated mbedtls_config.h, so that a build can check
# that this file (and not Mbed TLS' stock one) was included.
MARKER_MACRO = "ESP_TLS_POSIX_MBEDTLS_CONFIG_GENERATED"


def die(msg):
    sys.stderr.write("{}: error: {}\n".format(PROG, msg))
    sys.exit(1)


def note(msg):
    sys.stderr.write("{}: {}\n".format(PROG, msg))


try:
    import kconfiglib
except ImportError:
    die("the Python module kconfiglib is missing; run this script with /usr/bin/python3 "
        "(Debian package python3-kconfiglib)")


class Warnings:
    """Collects kconfiglib's warnings step by step and prints the new ones to stderr."""

    def __init__(self, kconf):
        self.kconf = kconf
        self.seen = 0

    def flush(self):
        new = self.kconf.warnings[self.seen:]
        self.seen = len(self.kconf.warnings)
        for w in new:
            sys.stderr.write("{}: kconfiglib {}\n".format(PROG, w))
        return new


def load_config_file(kconf, warns, path, replace, what):
    """Loads one sdkconfig-format file; unknown symbols and malformed lines are errors."""
    if not os.path.isfile(path):
        die("{} file '{}' does not exist".format(what, path))
    missing_before = len(kconf.missing_syms) if not replace else 0
    try:
        kconf.load_config(path, replace=replace)
    except (OSError, IOError) as e:
        die("cannot read {} file '{}': {}".format(what, path, e))
    except kconfiglib.KconfigError as e:
        die("cannot load {} file '{}': {}".format(what, path, e))
    new_warnings = warns.flush()
    unknown = kconf.missing_syms[missing_before:]
    if unknown:
        names = ", ".join("CONFIG_" + name for name, _ in unknown)
        die("{} file '{}' sets option(s) that do not exist in the Kconfig: {} "
            "(remove or rename them)".format(what, path, names))
    bad = [w for w in new_warnings
           if any(k in w for k in ("malformed", "is not a valid value", "is invalid for",
                                   "undefined symbol"))]
    if bad:
        die("{} file '{}' has invalid lines (see the warnings above)".format(what, path))


def write_if_changed(path, content):
    """Writes 'content' to 'path' unless the file already holds exactly that text."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            if f.read() == content:
                return False
    except (OSError, IOError, UnicodeDecodeError):
        pass
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except (OSError, IOError) as e:
        die("cannot write '{}': {}".format(path, e))
    return True


class Values:
    """Read access to the evaluated configuration; unknown names are generator bugs."""

    def __init__(self, kconf):
        self.kconf = kconf

    def sym(self, name):
        s = self.kconf.syms.get(name)
        if s is None or not s.nodes:
            die("internal: option {} is not defined in the Kconfig (Kconfig and "
                "gen_config.py are out of step)".format(name))
        return s

    def on(self, name):
        return self.sym(name).tri_value == 2

    def val(self, name):
        return self.sym(name).str_value


def config_lines(kconf):
    """(name, type, value) of every option that is written to the sdkconfig, in Kconfig order."""
    out = []
    for s in kconf.unique_defined_syms:
        if not s.config_string:
            continue
        out.append((s.name, s.orig_type, s.str_value))
    return out


def gen_sdkconfig_h(kconf):
    lines = [
        "/*",
        " * sdkconfig.h: esp-tls for POSIX configuration as C macros.",
        " * Automatically generated by tools/kconfig/gen_config.py from the sdkconfig.",
        " * Do not edit; change the sdkconfig (menuconfig) instead.",
        " */",
        "#pragma once",
        "",
    ]
    defined = set()
    for name, typ, value in config_lines(kconf):
        if typ in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            if value == "y":
                lines.append("#define CONFIG_{} 1".format(name))
            elif value == "m":
                lines.append("#define CONFIG_{}_MODULE 1".format(name))
            else:
                continue
        elif typ == kconfiglib.STRING:
            lines.append('#define CONFIG_{} "{}"'.format(name, kconfiglib.escape(value)))
        elif typ == kconfiglib.HEX:
            if not value.lower().startswith("0x"):
                value = "0x" + value
            lines.append("#define CONFIG_{} {}".format(name, value))
        else:  # INT
            lines.append("#define CONFIG_{} {}".format(name, value))
        defined.add(name)
    # The target is always the host, whatever the Kconfig says.
    if "IDF_TARGET_LINUX" not in defined:
        lines.append("#define CONFIG_IDF_TARGET_LINUX 1")
    if "IDF_TARGET" not in defined:
        lines.append('#define CONFIG_IDF_TARGET "linux"')
    return "\n".join(lines) + "\n"


def gen_summary(kconf):
    lines = ["# esp-tls for POSIX: options that are set (generated from the sdkconfig)"]
    for name, typ, value in config_lines(kconf):
        if typ in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            if value == "n":
                continue
            lines.append("CONFIG_{}={}".format(name, value))
        elif typ == kconfiglib.STRING:
            lines.append('CONFIG_{}="{}"'.format(name, kconfiglib.escape(value)))
        else:
            lines.append("CONFIG_{}={}".format(name, value))
    return "\n".join(lines) + "\n"


def check_consistency(v):
    """Combinations Kconfig cannot forbid but Mbed TLS rejects."""
    if not v.on("MBEDTLS_SSL_PROTO_TLS1_2") and not v.on("MBEDTLS_SSL_PROTO_TLS1_3"):
        die("CONFIG_MBEDTLS_SSL_PROTO_TLS1_2 and CONFIG_MBEDTLS_SSL_PROTO_TLS1_3 are both off; "
            "at least one TLS version must be enabled")


def mbedtls_overrides(v):
    """List of (macro, value or None, enabled, origin comment)."""
    ov = []

    def flag(macro, enabled, origin):
        ov.append((macro, None, enabled, origin))

    def number(macro, value, origin):
        ov.append((macro, value, True, origin))

    def src(*names):
        return "from " + ", ".join("CONFIG_{}={}".format(n, v.val(n)) for n in names)

    # Record buffer sizes.
    if v.on("MBEDTLS_ASYMMETRIC_CONTENT_LEN"):
        number("MBEDTLS_SSL_IN_CONTENT_LEN", v.val("MBEDTLS_SSL_IN_CONTENT_LEN"),
               src("MBEDTLS_SSL_IN_CONTENT_LEN"))
        number("MBEDTLS_SSL_OUT_CONTENT_LEN", v.val("MBEDTLS_SSL_OUT_CONTENT_LEN"),
               src("MBEDTLS_SSL_OUT_CONTENT_LEN"))
    else:
        max_len = v.val("MBEDTLS_SSL_MAX_CONTENT_LEN")
        number("MBEDTLS_SSL_IN_CONTENT_LEN", max_len, src("MBEDTLS_SSL_MAX_CONTENT_LEN"))
        number("MBEDTLS_SSL_OUT_CONTENT_LEN", max_len, src("MBEDTLS_SSL_MAX_CONTENT_LEN"))

    flag("MBEDTLS_SSL_KEEP_PEER_CERTIFICATE", v.on("MBEDTLS_SSL_KEEP_PEER_CERTIFICATE"),
         src("MBEDTLS_SSL_KEEP_PEER_CERTIFICATE"))
    flag("MBEDTLS_DEBUG_C", v.on("MBEDTLS_DEBUG"), src("MBEDTLS_DEBUG"))
    flag("MBEDTLS_USE_PSA_CRYPTO", v.on("MBEDTLS_USE_PSA_CRYPTO"), src("MBEDTLS_USE_PSA_CRYPTO"))
    # Host crypto acceleration (src/hostcrypto/): Mbed TLS's ECC hooks and the PSA driver hook
    # of patches/mbedtls/0003.
    for macro in ("MBEDTLS_ECDSA_VERIFY_ALT", "MBEDTLS_ECDSA_SIGN_ALT",
                  "MBEDTLS_ECDH_COMPUTE_SHARED_ALT", "MBEDTLS_ECDH_GEN_PUBLIC_ALT",
                  "HOSTCRYPTO_PSA_DRIVER"):
        flag(macro, v.on("MBEDTLS_HOST_CRYPTO_OPENSSL"), src("MBEDTLS_HOST_CRYPTO_OPENSSL"))
    flag("MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS", v.on("MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS"),
         src("MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS"))

    # Protocol versions.
    flag("MBEDTLS_SSL_PROTO_TLS1_2", v.on("MBEDTLS_SSL_PROTO_TLS1_2"),
         src("MBEDTLS_SSL_PROTO_TLS1_2"))
    if not v.on("MBEDTLS_SSL_PROTO_TLS1_2"):
        # Mbed TLS' DTLS (on in the stock config, unused by esp-tls) is built on TLS 1.2.
        flag("MBEDTLS_SSL_PROTO_DTLS", False, "DTLS needs CONFIG_MBEDTLS_SSL_PROTO_TLS1_2=y")
    tls13 = v.on("MBEDTLS_SSL_PROTO_TLS1_3")
    flag("MBEDTLS_SSL_PROTO_TLS1_3", tls13, src("MBEDTLS_SSL_PROTO_TLS1_3"))
    for macro, opt in (
            ("MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE", "MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE"),
            ("MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ENABLED", "MBEDTLS_SSL_TLS1_3_KEXM_PSK"),
            ("MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED",
             "MBEDTLS_SSL_TLS1_3_KEXM_EPHEMERAL"),
            ("MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED",
             "MBEDTLS_SSL_TLS1_3_KEXM_PSK_EPHEMERAL")):
        if tls13:
            flag(macro, v.on(opt), src(opt))
        else:
            flag(macro, False, src("MBEDTLS_SSL_PROTO_TLS1_3"))

    # Session tickets.
    flag("MBEDTLS_SSL_SESSION_TICKETS",
         v.on("MBEDTLS_CLIENT_SSL_SESSION_TICKETS") or v.on("MBEDTLS_SERVER_SSL_SESSION_TICKETS"),
         src("MBEDTLS_CLIENT_SSL_SESSION_TICKETS", "MBEDTLS_SERVER_SSL_SESSION_TICKETS"))
    flag("MBEDTLS_SSL_TICKET_C", v.on("MBEDTLS_SERVER_SSL_SESSION_TICKETS"),
         src("MBEDTLS_SERVER_SSL_SESSION_TICKETS"))

    flag("MBEDTLS_SSL_ALPN", v.on("MBEDTLS_SSL_ALPN"), src("MBEDTLS_SSL_ALPN"))
    flag("MBEDTLS_SSL_RENEGOTIATION", v.on("MBEDTLS_SSL_RENEGOTIATION"),
         src("MBEDTLS_SSL_RENEGOTIATION"))

    # TLS 1.2 certificate-based key exchanges with ESP-IDF options (the others stay stock).
    for kx in ("RSA", "DHE_RSA"):
        opt = "MBEDTLS_KEY_EXCHANGE_" + kx
        flag("MBEDTLS_KEY_EXCHANGE_{}_ENABLED".format(kx), v.on(opt), src(opt))
    number("MBEDTLS_ECP_FIXED_POINT_OPTIM", 1 if v.on("MBEDTLS_ECP_FIXED_POINT_OPTIM") else 0,
           src("MBEDTLS_ECP_FIXED_POINT_OPTIM"))
    number("MBEDTLS_ECP_WINDOW_SIZE", v.val("MBEDTLS_ECP_WINDOW_SIZE"),
           src("MBEDTLS_ECP_WINDOW_SIZE"))
    number("MBEDTLS_PSA_KEY_SLOT_COUNT", v.val("MBEDTLS_PSA_KEY_SLOT_COUNT"),
           src("MBEDTLS_PSA_KEY_SLOT_COUNT"))

    # TLS 1.2 pre-shared-key ciphersuites: only with the PSK_MODES umbrella on.
    psk = v.on("MBEDTLS_PSK_MODES")
    for kx in ("PSK", "DHE_PSK", "ECDHE_PSK", "RSA_PSK"):
        opt = "MBEDTLS_KEY_EXCHANGE_" + kx
        macro = "MBEDTLS_KEY_EXCHANGE_{}_ENABLED".format(kx)
        if psk:
            flag(macro, v.on(opt), src(opt))
        else:
            flag(macro, False, src("MBEDTLS_PSK_MODES"))

    # Time.
    flag("MBEDTLS_HAVE_TIME", v.on("MBEDTLS_HAVE_TIME"), src("MBEDTLS_HAVE_TIME"))
    flag("MBEDTLS_HAVE_TIME_DATE", v.on("MBEDTLS_HAVE_TIME_DATE"), src("MBEDTLS_HAVE_TIME_DATE"))

    # Buffers resized to the negotiated maximum fragment length; needs MFL support.
    # CONFIG_MBEDTLS_DYNAMIC_BUFFER (src/backend/mbedtls/dynbuf.c) is built on the same
    # record layer: it needs the buffer lengths Mbed TLS keeps in the context.
    varbuf = v.on("MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH") or v.on("MBEDTLS_DYNAMIC_BUFFER")
    flag("MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH", varbuf,
         src("MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH", "MBEDTLS_DYNAMIC_BUFFER"))
    if varbuf or int(v.val("ESP_TLS_PEER_RECORD_SIZE") or 0):
        flag("MBEDTLS_SSL_MAX_FRAGMENT_LENGTH", True,
             "needed by MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH and CONFIG_ESP_TLS_PEER_RECORD_SIZE")

    flag("MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK", v.on("MBEDTLS_X509_TRUSTED_CERT_CALLBACK"),
         src("MBEDTLS_X509_TRUSTED_CERT_CALLBACK"))
    flag("MBEDTLS_ERROR_C", v.on("MBEDTLS_ERROR_STRINGS"), src("MBEDTLS_ERROR_STRINGS"))

    # TLS roles.
    flag("MBEDTLS_SSL_CLI_C", v.on("MBEDTLS_TLS_CLIENT"), src("MBEDTLS_TLS_CLIENT"))
    flag("MBEDTLS_SSL_SRV_C", v.on("MBEDTLS_TLS_SERVER"), src("MBEDTLS_TLS_SERVER"))

    # Always: esp-tls handles are used from several threads.
    flag("MBEDTLS_THREADING_C", True, "always on in esp-tls for POSIX (used from threads)")
    flag("MBEDTLS_THREADING_PTHREAD", True, "always on in esp-tls for POSIX (used from threads)")
    flag("MBEDTLS_PLATFORM_MEMORY", True, "always on: esp-tls counts Mbed TLS allocations (src/mem)")
    flag("MBEDTLS_SELF_TEST", False,
         "off: esp-tls runs no Mbed TLS self tests, and ecp.c's self-test multiplication "
         "counter is written by every thread without a lock")
    flag("MBEDTLS_PLATFORM_TIME_ALT", v.on("MBEDTLS_HAVE_TIME"),
         "esp_tls_verify_chain() validates at a given time (src/port/time.c)")
    if v.on("MBEDTLS_HAVE_TIME"):
        number("MBEDTLS_PLATFORM_STD_TIME", "time",
               "the wall clock until esp_tls_verify_chain() installs its hook (src/port/time.c)")
    return ov


def gen_mbedtls_config(stock_text, stock_path, v):
    out = [
        "/*",
        " * mbedtls_config.h for esp-tls for POSIX.",
        " * Automatically generated by tools/kconfig/gen_config.py. Do not edit; change the",
        " * sdkconfig (menuconfig) instead. Content: Mbed TLS' stock default configuration",
        " * ({}), unchanged, followed by the section".format(os.path.basename(stock_path)),
        " * \"{}\" at the end.".format(OVERRIDES_TITLE),
        " */",
        "",
        stock_text if stock_text.endswith("\n") else stock_text + "\n",
        "",
        "/* " + "=" * 86,
        " * " + OVERRIDES_TITLE,
        " * Every macro below is first #undef'd, then #define'd again if the option is on. The",
        " * comment names the sdkconfig option(s) it comes from.",
        " * " + "=" * 86 + " */",
        "",
    ]
    for macro, value, enabled, origin in mbedtls_overrides(v):
        out.append("#undef {} /* {} */".format(macro, origin))
        if enabled:
            if value is None:
                out.append("#define {} /* {} */".format(macro, origin))
            else:
                out.append("#define {} {} /* {} */".format(macro, value, origin))
    out += [
        "",
        "/* Marker: lets the build check that this generated file, not the stock one, is used. */",
        "#define {} 1".format(MARKER_MACRO),
        "",
        "/* end of " + OVERRIDES_TITLE + " */",
    ]
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(
        prog="gen_config.py",
        description="Generate sdkconfig, sdkconfig.h and mbedtls_config.h from Kconfig.")
    ap.add_argument("--kconfig", required=True, help="top Kconfig file")
    ap.add_argument("--config", required=True,
                    help="sdkconfig to load, or to create from the defaults if missing")
    ap.add_argument("--defaults", action="append", default=[],
                    help="sdkconfig-format defaults file; may be repeated, later files win")
    ap.add_argument("--mbedtls-default", required=True,
                    help="Mbed TLS' stock include/mbedtls/mbedtls_config.h")
    ap.add_argument("--out-sdkconfig-h", required=True, help="sdkconfig.h to write")
    ap.add_argument("--out-mbedtls-config", required=True, help="mbedtls_config.h to write")
    ap.add_argument("--out-summary", help="optional CONFIG_NAME=value list of set options")
    args = ap.parse_args()

    if not os.path.isfile(args.kconfig):
        die("Kconfig file '{}' does not exist".format(args.kconfig))
    if not os.path.isfile(args.mbedtls_default):
        die("Mbed TLS default config '{}' does not exist".format(args.mbedtls_default))
    for d in args.defaults:
        if not os.path.isfile(d):
            die("defaults file '{}' does not exist".format(d))

    # Report references to undefined symbols inside the Kconfig files as well.
    os.environ["KCONFIG_WARN_UNDEF"] = "y"
    try:
        kconf = kconfiglib.Kconfig(os.path.abspath(args.kconfig), warn=True,
                                   warn_to_stderr=False)
    except kconfiglib.KconfigError as e:
        die("cannot parse Kconfig '{}': {}".format(args.kconfig, e))
    except (OSError, IOError) as e:
        die("cannot read Kconfig '{}': {}".format(args.kconfig, e))
    kconf.warn_assign_undef = True
    # Later defaults files and the sdkconfig are meant to override earlier files.
    kconf.warn_assign_override = False
    kconf.warn_assign_redun = False

    warns = Warnings(kconf)
    if any("undefined symbol" in w for w in warns.flush()):
        die("Kconfig '{}' refers to undefined options (see the warnings above)"
            .format(args.kconfig))

    config_exists = os.path.exists(args.config)
    if config_exists and not os.path.isfile(args.config):
        die("'{}' exists but is not a file".format(args.config))

    # Defaults first (later files override earlier ones); an existing sdkconfig on top, so
    # that the defaults only fill in options it does not mention.
    first = True
    for d in args.defaults:
        load_config_file(kconf, warns, d, replace=first, what="defaults")
        first = False
    if config_exists:
        load_config_file(kconf, warns, args.config, replace=first, what="sdkconfig")

    # Evaluate everything now so that evaluation warnings (e.g. a value outside its range)
    # are seen before anything is written.
    for s in kconf.unique_defined_syms:
        s.str_value
    for c in kconf.unique_choices:
        c.selection
    eval_warnings = warns.flush()
    if any("outside the active range" in w for w in eval_warnings):
        die("the configuration holds values outside their allowed range (see the warnings "
            "above); fix them in {}".format(
                "'{}'".format(args.config) if config_exists else ", ".join(args.defaults)))

    v = Values(kconf)
    check_consistency(v)

    try:
        stock_text = open(args.mbedtls_default, "r", encoding="utf-8").read()
    except (OSError, IOError, UnicodeDecodeError) as e:
        die("cannot read '{}': {}".format(args.mbedtls_default, e))
    if "MBEDTLS_SSL_TLS_C" not in stock_text:
        die("'{}' does not look like Mbed TLS' mbedtls_config.h".format(args.mbedtls_default))

    # sdkconfig: kconfiglib's write_config() leaves an unchanged file untouched.
    try:
        cfg_dir = os.path.dirname(os.path.abspath(args.config))
        os.makedirs(cfg_dir, exist_ok=True)
        msg = kconf.write_config(args.config, header=SDKCONFIG_HEADER, save_old=False)
    except (OSError, IOError) as e:
        die("cannot write '{}': {}".format(args.config, e))
    warns.flush()
    if not config_exists:
        note("created {} from {}".format(
            args.config, ", ".join(args.defaults) if args.defaults else "Kconfig defaults"))
    elif not msg.startswith("No change"):
        note("normalised {}".format(args.config))

    outputs = [(args.out_sdkconfig_h, gen_sdkconfig_h(kconf)),
               (args.out_mbedtls_config, gen_mbedtls_config(stock_text, args.mbedtls_default, v))]
    if args.out_summary:
        outputs.append((args.out_summary, gen_summary(kconf)))
    for path, content in outputs:
        if write_if_changed(path, content):
            note("updated {}".format(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
