# SPDX-License-Identifier: Apache-2.0
# esp_transport interop tests: examples/transport_client (tcp and ssl transports) against
# openssl s_server and the python3 listeners of listener.py (tests/interop/transport.sh).
# Included by tests/interop/CMakeLists.txt, after ESP_TLS_INTEROP_CERTS and the
# esp_tls_interop_certs fixture are defined there.
if(NOT TARGET transport_client)
    message(STATUS "transport_client is not built: esp_transport interop tests skipped")
    return()
endif()

add_test(NAME interop_transport
         COMMAND sh "${CMAKE_CURRENT_LIST_DIR}/transport.sh"
                 "$<TARGET_FILE:transport_client>" "${ESP_TLS_INTEROP_CERTS}")
set_tests_properties(interop_transport PROPERTIES
                     LABELS interop
                     TIMEOUT 120
                     SKIP_RETURN_CODE 77
                     FIXTURES_REQUIRED esp_tls_interop_certs)

# The same cases with the client under a memory checker (tests/run-all.sh sets ESP_TLS_WRAP).
add_test(NAME valgrind_transport
         COMMAND sh "${CMAKE_CURRENT_LIST_DIR}/transport.sh"
                 "$<TARGET_FILE:transport_client>" "${ESP_TLS_INTEROP_CERTS}")
set_tests_properties(valgrind_transport PROPERTIES
                     LABELS valgrind
                     TIMEOUT 600
                     SKIP_RETURN_CODE 77
                     FIXTURES_REQUIRED esp_tls_interop_certs)
