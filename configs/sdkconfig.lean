# SPDX-License-Identifier: Apache-2.0
# Lean memory preset (sdkconfig format), applied after sdkconfig.defaults:
#   make PRESET=lean            -> build/lean/install/
#   cmake -S . -B build/lean -DSDKCONFIG_DEFAULTS="sdkconfig.defaults;configs/sdkconfig.lean"
# The ESP-IDF FAQ's memory answer as menu options: dynamic TX/RX buffers, and the CA, own
# key/certificate and peer certificate released once the handshake is over. Records of any
# size up to 16384 bytes are still received, TLS 1.2 and 1.3 both stay on. Figures: README
# ("Memory"), `make bench`.
CONFIG_MBEDTLS_ASYMMETRIC_CONTENT_LEN=y
CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=16384
CONFIG_MBEDTLS_SSL_OUT_CONTENT_LEN=4096
CONFIG_MBEDTLS_DYNAMIC_BUFFER=y
CONFIG_MBEDTLS_DYNAMIC_FREE_CONFIG_DATA=y
CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT=y
CONFIG_MBEDTLS_DYNAMIC_FREE_PEER_CERT=y
# Mbed TLS 3.6 needs the peer certificate kept during the handshake for TLS 1.3
# (check_config.h); FREE_PEER_CERT above releases it once the handshake is over.
CONFIG_MBEDTLS_SSL_KEEP_PEER_CERTIFICATE=y
# TLS and X.509 through PSA Crypto: PSA key ids instead of cipher contexts per connection.
CONFIG_MBEDTLS_USE_PSA_CRYPTO=y
# No heap copies of PSA Crypto's arguments (all buffers are the process' own).
CONFIG_MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS=y
# One PSA slot for persistent keys instead of 32 (esp-tls uses none; Mbed TLS allocates them
# when PSA starts): 1,736 bytes less per process. Volatile keys have their own growing store.
CONFIG_MBEDTLS_PSA_KEY_SLOT_COUNT=1
# The peer chain is copied only when verification fails (diagnostics), not after success.
# CONFIG_ESP_TLS_KEEP_PEER_CHAIN is not set
# Per handshake: elliptic-curve tables of 2 points instead of 8 (about 2 KB less in each
# ECDSA verification and ECDH; slower ECC), no larger table for the base point, and no 1 KB
# premaster buffer sized for finite-field DHE (TLS 1.2 DHE-RSA suites; ECDHE-RSA remains).
# CONFIG_MBEDTLS_ECP_FIXED_POINT_OPTIM is not set
CONFIG_MBEDTLS_ECP_WINDOW_SIZE=2
# CONFIG_MBEDTLS_KEY_EXCHANGE_DHE_RSA is not set
# The WebSocket transport's handshake buffer (CONFIG_WS_BUFFER_SIZE) only while connecting.
CONFIG_WS_DYNAMIC_BUFFER=y
# Memory first: no libcrypto in the process (Mbed TLS's own, slower, ECC).
# CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL is not set
