# SPDX-License-Identifier: Apache-2.0
# Server interop tests: examples/https_server (the ESP-TLS server API) against openssl
# s_client, gnutls-cli, curl, the example client and python3 fault clients
# (tests/interop/server_*.sh, runner in server_lib.sh). Included by
# tests/interop/CMakeLists.txt, after ESP_TLS_INTEROP_CERTS and the esp_tls_interop_certs
# fixture are defined there.
if(NOT TARGET https_server OR NOT TARGET esp_tls_client)
    message(STATUS "https_server or esp_tls_client is not built: server interop tests skipped")
    return()
endif()

#   server_matrix    TLS 1.2/1.3 x RSA/ECDSA x openssl/gnutls/curl/example client
#   server_auth      client certificates (required, optional), SNI certificate selection,
#                    ALPN, session tickets, ciphersuites
#   server_faults    handshake deadlines (blocking and asynchronous) and fault clients
#   server_valgrind  the server's whole life ending with --max N, exit status checked
foreach(script matrix auth faults valgrind)
    add_test(NAME interop_server_${script}
             COMMAND sh "${CMAKE_CURRENT_LIST_DIR}/server_${script}.sh"
                     "$<TARGET_FILE:https_server>" "$<TARGET_FILE:esp_tls_client>"
                     "${ESP_TLS_INTEROP_CERTS}")
    set_tests_properties(interop_server_${script} PROPERTIES
                         LABELS interop
                         TIMEOUT 90
                         SKIP_RETURN_CODE 77
                         FIXTURES_REQUIRED esp_tls_interop_certs)
endforeach()

# The server (and the example client) under a memory checker: tests/run-all.sh runs the label
# "valgrind" with ESP_TLS_WRAP set to valgrind --error-exitcode=99; a leak or memory error
# makes the server exit with 99 and fails the case.
add_test(NAME valgrind_server
         COMMAND sh "${CMAKE_CURRENT_LIST_DIR}/server_valgrind.sh"
                 "$<TARGET_FILE:https_server>" "$<TARGET_FILE:esp_tls_client>"
                 "${ESP_TLS_INTEROP_CERTS}")
set_tests_properties(valgrind_server PROPERTIES
                     LABELS valgrind
                     TIMEOUT 600
                     SKIP_RETURN_CODE 77
                     FIXTURES_REQUIRED esp_tls_interop_certs)

# A PSK server: only in a build with CONFIG_ESP_TLS_PSK_VERIFICATION (psk_on, set by
# tests/interop/CMakeLists.txt; the "insecure" test build of tests/run-all.sh has it)
if(psk_on)
    add_test(NAME interop_server_psk
             COMMAND sh "${CMAKE_CURRENT_LIST_DIR}/server_psk.sh"
                     "$<TARGET_FILE:https_server>" "$<TARGET_FILE:esp_tls_client>"
                     "${ESP_TLS_INTEROP_CERTS}")
    set_tests_properties(interop_server_psk PROPERTIES
                         LABELS "interop;insecure"
                         TIMEOUT 60
                         SKIP_RETURN_CODE 77
                         FIXTURES_REQUIRED esp_tls_interop_certs)
endif()
