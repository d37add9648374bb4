# SPDX-License-Identifier: Apache-2.0
# Hostile peers (tests/interop/hostile.py): crafted records, resets, trickling handshakes,
# truncation, oversized certificates and chains, renegotiation, old versions, against the
# example client and the example server. Label interop; and under Valgrind (label valgrind,
# ESP_TLS_WRAP set by tests/run-all.sh). The large certificates are generated once into
# hostile-certs/ of this build folder. Included by tests/interop/CMakeLists.txt.
if(NOT TARGET https_server OR NOT TARGET esp_tls_client)
    return()
endif()
foreach(kind interop valgrind)
    if(kind STREQUAL "interop")
        set(timeout 120)
    else()
        set(timeout 600)
    endif()
    add_test(NAME ${kind}_hostile
             COMMAND "${ESP_TLS_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/hostile.py"
                     "$<TARGET_FILE:esp_tls_client>" "$<TARGET_FILE:https_server>"
                     "${ESP_TLS_INTEROP_CERTS}" "${CMAKE_CURRENT_BINARY_DIR}/hostile-certs")
    set_tests_properties(${kind}_hostile PROPERTIES
                         LABELS ${kind}
                         TIMEOUT ${timeout}
                         FIXTURES_REQUIRED esp_tls_interop_certs)
endforeach()

# The end-of-connection cases alone, in the "insecure" test build too, which sets
# CONFIG_ESP_TLS_REQUIRE_CLOSE_NOTIFY (tests/sdkconfig.insecure): both rules are exercised.
add_test(NAME interop_hostile_close
         COMMAND "${ESP_TLS_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/hostile.py"
                 "$<TARGET_FILE:esp_tls_client>" "$<TARGET_FILE:https_server>"
                 "${ESP_TLS_INTEROP_CERTS}" "${CMAKE_CURRENT_BINARY_DIR}/hostile-certs"
                 "c_*close*")
set_tests_properties(interop_hostile_close PROPERTIES
                     LABELS "interop;insecure"
                     TIMEOUT 60
                     FIXTURES_REQUIRED esp_tls_interop_certs)
